import { describe, expect, it } from 'vitest';
import { hashStubShapedBearer, isStubBearer, readBearer } from '../../../src/http/auth/readBearer.ts';
import { hashToken } from '../../../src/tokens/hashToken.ts';

const token = '3f9a1c2e-7b4d-4c8e-9f01-2a3b4c5d6e7f';
const hashed = hashToken(token);

describe('readBearer: the hash of the token in an Authorization header', () => {
  it.each([
    [`Bearer ${token}`, 'the canonical form stubs send'],
    [`bearer ${token}`, 'a lower-case scheme'],
    [`BEARER ${token}`, 'an upper-case scheme'],
    [`Bearer ${token.toUpperCase()}`, 'an upper-case UUID'],
    [`Bearer  ${token}`, 'two spaces'],
    [`Bearer\t${token}`, 'a tab'],
    [`Bearer ${token} `, 'a trailing space'],
    [`Bearer ${Buffer.from(token).toString('base64')}`, 'the base64 of the UUID (HyperShift stubs)'],
  ])('%j → the token’s hash (%s)', (header) => {
    expect(readBearer(header)).toBe(hashed);
  });

  it.each([
    [undefined, 'no header'],
    ['', 'an empty header'],
    [token, 'no scheme'],
    [`Basic ${token}`, 'another scheme'],
    [`Bearer ${token.slice(0, 35)}g`, 'a character outside the UUID alphabet, at canonical length'],
    [`Bearer ${token.replaceAll('-', '')}`, 'a UUID without dashes'],
    [`Bearer ${token}x`, 'one character too many'],
    [`Bearer ${token} ${token}`, 'two credentials'],
    [`Bearer ${Buffer.from('not a uuid, just some text!!').toString('base64')}`, 'base64 of something else'],
  ] as [string | undefined, string][])('%j → undefined (%s)', (header) => {
    expect(readBearer(header)).toBeUndefined();
  });
});

describe('the stub-shaped header: `Bearer ` and 36 characters', () => {
  it('is hashed as it is, UUID or not; anything else is not hashed', () => {
    expect(hashStubShapedBearer(`Bearer ${token}`)).toBe(hashed);
    expect(hashStubShapedBearer(`Bearer ${token.toUpperCase()}`)).toBe(hashToken(token.toUpperCase()));
    expect(hashStubShapedBearer(`Bearer ${'x'.repeat(36)}`)).toBe(hashToken('x'.repeat(36)));
    for (const header of [undefined, `bearer ${token}`, `Bearer ${token}x`])
      expect(hashStubShapedBearer(header)).toBeUndefined();
  });

  it('is what stubs send only with a lower-case UUID', () => {
    expect(isStubBearer(`Bearer ${token}`)).toBe(true);
    for (const header of [
      undefined,
      `Bearer ${token.toUpperCase()}`,
      `Bearer ${'x'.repeat(36)}`,
      `bearer ${token}`,
    ])
      expect(isStubBearer(header)).toBe(false);
  });
});
