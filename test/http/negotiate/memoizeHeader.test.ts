import { describe, expect, it } from 'vitest';
import { memoizeHeader } from '../../../src/http/negotiate/memoizeHeader.ts';

// Each request's header value is a new string: built here at run time, not shared literals.
const fresh = (text: string) => [...text].join('');

describe('memoizeHeader', () => {
  it('parses each distinct value once, whether it repeats or alternates with others', () => {
    const parsed: string[] = [];
    const length = memoizeHeader((header) => (parsed.push(header), header.length));
    const values = ['gzip', 'gzip', 'identity', 'gzip', 'br, gzip', 'identity', 'gzip'];
    expect(values.map((value) => length(fresh(value)))).toEqual(values.map((value) => value.length));
    expect(parsed).toEqual(['gzip', 'identity', 'br, gzip']);
  });

  it('keeps at most `limit` values, and still answers right once it has forgotten them', () => {
    const parsed: string[] = [];
    const upper = memoizeHeader((header) => (parsed.push(header), header.toUpperCase()), { limit: 2 });
    expect(['a', 'b', 'c', 'a', 'a'].map((value) => upper(fresh(value)))).toEqual(['A', 'B', 'C', 'A', 'A']);
    // `c` cleared the table of a and b; the repeated `a` was answered from the last value.
    expect(parsed).toEqual(['a', 'b', 'c', 'a']);
  });
});
