import { describe, expect, it } from 'vitest';
import { isValidDataUrl } from '../../src/payload/isValidDataUrl.ts';

describe('isValidDataUrl: base64 as strictly as Go decodes it', () => {
  it.each([
    ['data:;base64,YWI=', true],
    ['data:;base64,YQ==', true],
    ['data:text/plain;base64,', true],
    ['data:;base64,YWI', false], // missing padding
    ['data:;base64,YQ=', false],
    ['data:;base64,YW I=', false], // whitespace: atob() alone would strip it
    ['data:;base64,YW\nI=', false],
    ['data:;base64,YW\tI=', false],
    ['data:;base64,abcd=', false], // padding beyond a full quantum
    ['data:;base64,ab=c', false],
    ['data:;base64,ab-_', false], // URL-safe alphabet
    ['data:;base64,====', false],
  ])('%j → %s', (url, valid) => {
    expect(isValidDataUrl(url)).toBe(valid);
  });

  it('accepts megabytes of valid base64', () => {
    expect(isValidDataUrl(`data:;base64,${Buffer.alloc(3 * 1024 * 1024, 7).toString('base64')}`)).toBe(true);
  });
});
