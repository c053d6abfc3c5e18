import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/payload/decodeBase64.ts';
import { isBase64, isBase64Bytes } from '../../src/payload/isBase64.ts';

describe('decodeBase64: padded standard base64, as Go’s StdEncoding decodes it', () => {
  it.each([
    ['', ''],
    ['YQ==', '61'],
    ['YWI=', '6162'],
    ['YWJj', '616263'],
    ['+/+/', 'fbffbf'],
    // Non-zero bits before the padding: Go's (non-strict) decoder accepts them, so the API server does too.
    ['YR==', '61'],
    ['YWJ=', '6162'],
  ])('%j → %s', (text, hex) => {
    expect(decodeBase64(text)?.toString('hex')).toBe(hex);
    expect(isBase64(text)).toBe(true);
  });

  it.each([
    ['YQ', 'missing padding'],
    ['YQ=', 'short quantum'],
    ['YWI', 'missing padding'],
    ['abcd=', 'padding beyond a full quantum'],
    ['ab=c', 'padding inside'],
    ['YQ==YQ==', 'padding before more data'],
    ['====', 'padding only'],
    ['a===', 'three padding characters'],
    ['ab-_', 'URL-safe alphabet'],
    ['YW I=', 'a space'],
    ['YW\nI=', 'a line break'],
    ['YWJ\u00e9', 'a non-ASCII character'],
    ['YW*j', 'a foreign character'],
  ])('%j is refused (%s)', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
    expect(isBase64(text)).toBe(false);
  });

  it('round-trips megabytes of random bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 1 }, (_, i) => (i * 7919) % 256));
    expect(decodeBase64(bytes.toString('base64'))?.equals(bytes)).toBe(true);
    expect(isBase64(bytes.toString('base64'))).toBe(true);
    // The scratch buffer kept from that call does not change the answer for a short text after it.
    expect(isBase64('YQ==')).toBe(true);
    expect(isBase64('YQ=')).toBe(false);
  });
});

describe('decodeBase64, isBase64 and isBase64Bytes agree with the regular expression they replace', () => {
  const REFERENCE = /^[A-Za-z0-9+/]*={0,2}$/;
  // A fixed generator: the same texts on every run, dense in the characters that matter.
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const common = 'AQz09+/';
  const tricky = 'AQz09+/=-_ \n\t*.é\u0000\u00ff';

  it('on 200,000 random texts of 4 to 12 characters', () => {
    const disagreements: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const length = 4 * (1 + Math.floor(random() * 3)) - (random() < 0.1 ? 1 : 0);
      let text = '';
      for (let j = 0; j < length; j++) {
        const from = random() < 0.7 ? common : tricky;
        text += from[Math.floor(random() * from.length)];
      }
      const expected = text.length % 4 === 0 && REFERENCE.test(text);
      if ((decodeBase64(text) !== undefined) !== expected) disagreements.push(text);
      if (isBase64(text) !== expected) disagreements.push(`isBase64: ${text}`);
      const bytes = Buffer.from(`"${text}"`);
      if (isBase64Bytes(bytes, 1, bytes.length - 1) !== expected)
        disagreements.push(`isBase64Bytes: ${text}`);
    }
    expect(disagreements).toEqual([]);
  });
});
