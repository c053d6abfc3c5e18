import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { KindlingError } from '../../../src/errors/KindlingError.ts';
import { createSigningKey, type SigningKey } from '../../../src/tokens/jws/createSigningKey.ts';
import { mintMachineToken, type MintMachineTokenOptions } from '../../../src/tokens/jws/mintMachineToken.ts';

const NOW = Date.parse('2026-03-01T12:00:00.750Z');
let key: SigningKey;
let options: MintMachineTokenOptions;

beforeAll(async () => {
  key = await createSigningKey();
  options = {
    privateJwk: key.privateJwk,
    pool: 'workers',
    machine: 'worker-7.example.internal',
    audience: 'https://kindling.example:8443',
    ttlSeconds: 7200,
    now: NOW,
  };
});

describe('mintMachineToken', () => {
  it('signs a compact ES256 JWS with kid and explicit typ, and every claim', async () => {
    const token = await mintMachineToken(options);
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'kindling-machine+jwt' });
    const iat = Math.floor(NOW / 1000);
    expect(decodeJwt(token)).toEqual({
      'kindling.dev/pool': 'workers',
      sub: 'worker-7.example.internal',
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      aud: 'https://kindling.example:8443',
      iat,
      exp: iat + 7200,
    });
  });

  it('gives every token its own jti unless one is given', async () => {
    const a = decodeJwt(await mintMachineToken(options)).jti;
    const b = decodeJwt(await mintMachineToken(options)).jti;
    expect(a).not.toBe(b);
    expect(decodeJwt(await mintMachineToken({ ...options, jti: 'fixed-1' })).jti).toBe('fixed-1');
  });

  const refused: [string, Partial<MintMachineTokenOptions>][] = [
    ['pool', { pool: 'Not_A_Label' }],
    ['machine', { machine: 'evil; rm -rf /' }],
    ['machine', { machine: '' }],
    ['audience', { audience: '' }],
    ['ttlSeconds', { ttlSeconds: 0 }],
    ['ttlSeconds', { ttlSeconds: 1.5 }],
    ['jti', { jti: 'has space' }],
  ];
  it.each(refused)('refuses a bad %s with ERR_CONFIG_INVALID', async (path, change) => {
    const error: unknown = await mintMachineToken({ ...options, ...change }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KindlingError);
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID', path });
  });

  it('refuses a public key, without quoting any key', async () => {
    const error: unknown = await mintMachineToken({ ...options, privateJwk: key.publicJwk }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID', path: 'privateJwk' });
    expect(String((error as Error).message)).not.toContain(key.publicJwk.x);
  });
});
