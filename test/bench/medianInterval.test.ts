import { describe, expect, it } from 'vitest';
import { medianInterval } from './stats.ts';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('medianInterval', () => {
  // The textbook ranks of the 95 % interval: n = 9 → 2nd and 8th, n = 25 → 8th and 18th, n = 6 → 1st and 6th.
  it.each([
    [9, [2, 8]],
    [25, [8, 18]],
    [6, [1, 6]],
    [10, [2, 9]],
    [20, [6, 15]],
  ])('gives the order statistics of the 95 %% interval for n = %i', (n, expected) => {
    expect(medianInterval(oneTo(n).reverse())).toEqual(expected);
  });

  it('is the whole range when too few values allow no 95 % interval, and NaN for none', () => {
    expect(medianInterval([3, 1, 2])).toEqual([1, 3]);
    expect(medianInterval([])).toEqual([Number.NaN, Number.NaN]);
  });

  it('narrows with a lower confidence', () => {
    expect(medianInterval(oneTo(25), 0.5)).toEqual([11, 15]);
  });
});
