import { calculateJwkThumbprint } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { KindlingError } from '../../../src/errors/KindlingError.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { createSigningKey, type SigningKey } from '../../../src/tokens/jws/createSigningKey.ts';
import { readSigningKeySecret } from '../../../src/tokens/jws/readSigningKeySecret.ts';
import { signingKeySecret } from '../../../src/tokens/jws/signingKeySecret.ts';
import { verificationKeysSecret } from '../../../src/tokens/jws/verificationKeysSecret.ts';

const where = { name: 'kindling-signing-key', namespace: 'kindling-signing' };

function decoded(secret: SecretObject): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      JSON.parse(Buffer.from(value, 'base64').toString()),
    ]),
  );
}

async function refusal(secret: SecretObject): Promise<KindlingError> {
  const error: unknown = await readSigningKeySecret(secret).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KindlingError);
  expect((error as KindlingError).code).toBe('ERR_SECRET_INVALID');
  return error as KindlingError;
}

describe('createSigningKey', () => {
  it('makes an ES256 pair whose kid is the RFC 7638 thumbprint, and a public half without d', async () => {
    const key = await createSigningKey();
    expect(key.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: key.kid });
    expect(key.privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect(key.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.privateJwk.x,
      y: key.privateJwk.y,
      kid: key.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect((await createSigningKey()).kid).not.toBe(key.kid);
  });
});

describe('the signing-key and verification-keys Secrets', () => {
  it('round-trips the signing key; the previous key is stored as its public half only', async () => {
    const old = await createSigningKey();
    const current = await createSigningKey();
    const secret = signingKeySecret({ ...where, current: current.privateJwk, previous: old.privateJwk });
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'kindling.dev/signing-key' });
    expect(secret.metadata).toEqual(where);
    expect(decoded(secret)).toEqual({ 'current.jwk': current.privateJwk, 'previous.jwk': old.publicJwk });
    expect(await readSigningKeySecret(secret)).toEqual({
      privateJwk: current.privateJwk,
      publicJwks: [current.publicJwk, old.publicJwk],
    });
  });

  it('writes the server its public keys only, and reads no private key back', async () => {
    const old = await createSigningKey();
    const current = await createSigningKey();
    const secret = verificationKeysSecret({
      name: 'kindling-verification-keys',
      namespace: 'kindling',
      current: current.privateJwk,
      previous: old.privateJwk,
    });
    expect(secret.type).toBe('kindling.dev/verification-keys');
    expect(decoded(secret)).toEqual({ 'current.jwk': current.publicJwk, 'previous.jwk': old.publicJwk });
    expect(JSON.stringify(secret)).not.toContain(
      Buffer.from(`"d":"${current.privateJwk.d}`).toString('base64'),
    );
    expect(await readSigningKeySecret(secret)).toEqual({
      privateJwk: undefined,
      publicJwks: [current.publicJwk, old.publicJwk],
    });
  });

  it('refuses a public key as the signing key, and the current key as the previous one', async () => {
    const { publicJwk } = await createSigningKey();
    expect(() => signingKeySecret({ ...where, current: publicJwk })).toThrow(/not a private key/);
    const key = await createSigningKey();
    expect(() => signingKeySecret({ ...where, current: key.privateJwk, previous: key.publicJwk })).toThrow(
      /previous key is the current key/,
    );
  });

  describe('refuses a broken Secret, naming the rule and never quoting a key', () => {
    let current: SigningKey;
    let other: SigningKey;
    let good: SecretObject;
    beforeAll(async () => {
      current = await createSigningKey();
      other = await createSigningKey();
      good = signingKeySecret({ ...where, current: current.privateJwk });
    });
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
    const withData = (data: Record<string, string>, type = good.type): SecretObject => ({
      ...good,
      type,
      data: { ...good.data, ...data },
    });
    const cases: [string, () => SecretObject][] = [
      ['wrong-type', () => ({ ...good, type: 'Opaque' })],
      ['missing-key', () => ({ ...good, data: {} })],
      ['bad-base64', () => withData({ 'current.jwk': 'not base64!' })],
      [
        'bad-jwk',
        () => withData({ 'current.jwk': Buffer.from(`{"d":"${current.privateJwk.d}"`).toString('base64') }),
      ],
      ['bad-jwk', () => withData({ 'current.jwk': encode({ ...current.privateJwk, crv: 'P-384' }) })],
      ['bad-jwk', () => withData({ 'current.jwk': encode(current.publicJwk) })],
      ['private-key-exposed', () => withData({ 'previous.jwk': encode(other.privateJwk) })],
      [
        'private-key-exposed',
        () => withData({ 'current.jwk': encode(current.privateJwk) }, 'kindling.dev/verification-keys'),
      ],
      ['wrong-kid', () => withData({ 'current.jwk': encode({ ...current.privateJwk, kid: other.kid }) })],
      [
        'key-mismatch',
        () => withData({ 'current.jwk': encode({ ...other.privateJwk, d: current.privateJwk.d }) }),
      ],
      ['same-key', () => withData({ 'previous.jwk': encode(current.publicJwk) })],
    ];
    it.each(cases)('%s', async (rule, secret) => {
      const error = await refusal(secret());
      expect(error.rule).toBe(rule);
      for (const jwk of [current.privateJwk, other.privateJwk]) {
        expect(error.message).not.toContain(jwk.d);
      }
    });
  });
});
