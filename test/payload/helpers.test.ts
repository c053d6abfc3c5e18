import { describe, expect, it } from 'vitest';
import { cleanPath } from '../../src/payload/cleanPath.ts';
import { isValidDataUrl } from '../../src/payload/isValidDataUrl.ts';
import { formatJsonPath, pointerToJsonPath } from '../../src/payload/JsonPath.ts';
import { suggestKey } from '../../src/payload/suggestKey.ts';

describe('cleanPath matches Go path.Clean', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['abc', 'abc'],
    ['a//c', 'a/c'],
    ['a/c/.', 'a/c'],
    ['a/c/b/..', 'a/c'],
    ['/../a/c', '/a/c'],
    ['/../a/b/../././/c', '/a/c'],
    ['../../a', '../../a'],
    ['a/../..', '..'],
    ['/etc/', '/etc'],
  ])('%j → %j', (input, output) => {
    expect(cleanPath(input)).toBe(output);
  });
});

describe('isValidDataUrl accepts what Ignition decodes', () => {
  it.each([
    'data:,',
    'data:,example%20file%0A',
    'data:text/plain;charset=utf-8;base64,aGVsbG8gd29ybGQ=',
    'data:;base64,aGk=',
    'data:application/vnd.api+json,%7B%7D',
    'data:x-custom/thing,abc',
    'data:text/plain;name="my file.txt",abc',
    'data:text/plain;name="a\\"b%",abc',
    'data:text/plain;name=a%41b,abc',
    "data:text/plain;charset=US-ASCII,!$&'()*+,-./:;=?@_~",
  ])('%j', (url) => {
    expect(isValidDataUrl(url)).toBe(true);
  });

  it.each([
    ['no comma', 'data:text/plain'],
    ['upper-case prefix', 'Data:,x'],
    ['no slash in the media type', 'data:text,x'],
    ['an unregistered media type', 'data:foo/bar,x'],
    ['base64 not last', 'data:;base64;charset=x,aGk='],
    ['a parameter without value', 'data:text/plain;charset,x'],
    ['a parameter with an empty value', 'data:text/plain;charset=,x'],
    ['a bad %-escape in a parameter', 'data:text/plain;name=a%4,x'],
    ['unpadded base64', 'data:;base64,aGk'],
    ['base64 with spaces', 'data:;base64,aG k='],
    ['URL-safe base64', 'data:;base64,a-_='],
    ['a bad %-escape', 'data:,100%'],
    ['a space', 'data:,a b'],
    ['non-ASCII data', 'data:,é'],
    ['a fragment character', 'data:,a#b'],
    ['raw braces (RFC 2396 "unwise")', 'data:application/json,{}'],
    ['padding inside base64', 'data:;base64,aG==aGk='],
    ['too much padding', 'data:;base64,a==='],
  ])('refuses %s', (_name, url) => {
    expect(isValidDataUrl(url)).toBe(false);
  });

  it('handles a large payload', () => {
    const url = `data:;base64,${Buffer.alloc(4 * 1024 * 1024, 7).toString('base64')}`;
    expect(isValidDataUrl(url)).toBe(true);
    expect(isValidDataUrl(`data:,${'a'.repeat(4 * 1024 * 1024)}`)).toBe(true);
    expect(isValidDataUrl(`data:text/plain;name="${'a'.repeat(4 * 1024 * 1024)}",x`)).toBe(true);
    expect(isValidDataUrl(`data:text/plain;name=${'%41'.repeat(1024 * 1024)},x`)).toBe(true);
  });
});

describe('JSON paths', () => {
  it('formats keys, indexes and odd keys', () => {
    expect(formatJsonPath(['storage', 'files', 0, 'contents'])).toBe('storage.files[0].contents');
    expect(formatJsonPath([0, 'a b', 'c.d', ''])).toBe('[0]["a b"]["c.d"][""]');
    expect(formatJsonPath([])).toBe('');
  });

  it('tells array indexes from numeric keys using the data', () => {
    const data = { list: [{ '0': { 'a/b': 1, 'c~d': 2 } }] };
    expect(pointerToJsonPath('/list/0/0/a~1b', data)).toEqual(['list', 0, '0', 'a/b']);
    expect(pointerToJsonPath('/list/0/0/c~0d', data)).toEqual(['list', 0, '0', 'c~d']);
    expect(pointerToJsonPath('', data)).toEqual([]);
  });
});

describe('suggestKey', () => {
  const known = ['contents', 'append', 'mode', 'overwrite'];
  it.each([
    ['contnts', 'contents'],
    ['Contents', 'contents'],
    ['mdoe', 'mode'],
    ['overwrites', 'overwrite'],
  ])('%j → %j', (unknown, expected) => {
    expect(suggestKey(unknown, known)).toBe(expected);
  });

  it('suggests nothing for a key far from all known ones', () => {
    expect(suggestKey('kindlingBogus', known)).toBeUndefined();
  });
});
