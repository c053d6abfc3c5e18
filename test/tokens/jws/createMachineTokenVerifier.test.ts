import { createHmac, hash } from 'node:crypto';
import { base64url, generateKeyPair, importJWK, SignJWT, type JWTHeaderParameters } from 'jose';
import { LRUCache } from 'lru-cache';
import { beforeAll, describe, expect, it } from 'vitest';
import { KindlingError } from '../../../src/errors/KindlingError.ts';
import { createSigningKey, type SigningKey } from '../../../src/tokens/jws/createSigningKey.ts';
import {
  createMachineTokenVerifier,
  type MachineTokenVerifierOptions,
  type VerifiedMachineToken,
} from '../../../src/tokens/jws/createMachineTokenVerifier.ts';
import { mintMachineToken } from '../../../src/tokens/jws/mintMachineToken.ts';

const AUDIENCE = 'https://kindling.example:8443';
const T0 = Date.parse('2026-03-01T12:00:00Z');
const TTL = 7200;
const EXP_MS = T0 + TTL * 1000;

let current: SigningKey;
let previous: SigningKey;
let stranger: SigningKey;

beforeAll(async () => {
  [current, previous, stranger] = await Promise.all([
    createSigningKey(),
    createSigningKey(),
    createSigningKey(),
  ]);
});

function mint(key: SigningKey = current, extra: { jti?: string; audience?: string } = {}): Promise<string> {
  return mintMachineToken({
    privateJwk: key.privateJwk,
    pool: 'workers',
    machine: 'worker-7',
    audience: AUDIENCE,
    ttlSeconds: TTL,
    now: T0,
    ...extra,
  });
}

function verifier(options: Partial<MachineTokenVerifierOptions> & { at?: { now: number } } = {}) {
  const clock = options.at ?? { now: T0 + 1000 };
  return createMachineTokenVerifier({
    publicJwks: [current.publicJwk, previous.publicJwk],
    audience: AUDIENCE,
    now: () => clock.now,
    ...options,
  });
}

/** A compact JWS with any header and claims, signed by `sign` over the signing input (or not at all). */
function forge(header: object, claims: object, sign: (input: string) => string = () => ''): string {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}`;
  return `${input}.${sign(input)}`;
}

function goodClaims(): Record<string, unknown> {
  const iat = Math.floor(T0 / 1000);
  return { 'kindling.dev/pool': 'workers', sub: 'worker-7', jti: 'j-1', aud: AUDIENCE, iat, exp: iat + TTL };
}

/** Signs with the current key, header and claims as given (undefined claims dropped). */
async function signed(
  header: JWTHeaderParameters | undefined,
  claims: Record<string, unknown>,
): Promise<string> {
  return new SignJWT(JSON.parse(JSON.stringify(claims)) as Record<string, unknown>)
    .setProtectedHeader(header ?? { alg: 'ES256', kid: current.kid, typ: 'kindling-machine+jwt' })
    .sign(await importJWK(current.privateJwk, 'ES256'));
}

describe('createMachineTokenVerifier: valid tokens', () => {
  it('accepts a token signed by the current key, naming pool, machine, jti and expiry', async () => {
    const token = await mint(current, { jti: 'jti-1' });
    expect(await verifier().verify(token)).toEqual({
      ok: true,
      pool: 'workers',
      machine: 'worker-7',
      jti: 'jti-1',
      expiresAt: EXP_MS,
    });
  });

  it('accepts a token signed by the previous key (rotation overlap)', async () => {
    expect(await verifier().verify(await mint(previous))).toMatchObject({ ok: true, machine: 'worker-7' });
  });
});

describe('createMachineTokenVerifier: 401, never a lookup', () => {
  const cases: [string, () => Promise<string>][] = [
    ['a third, unknown key', () => mint(stranger)],
    [
      "another key claiming the current key's kid",
      async () => {
        const token = await mint(stranger);
        const [, claims, signature] = token.split('.');
        const header = base64url.encode(
          JSON.stringify({ alg: 'ES256', kid: current.kid, typ: 'kindling-machine+jwt' }),
        );
        return `${header}.${claims}.${signature}`;
      },
    ],
    ['another audience', () => mint(current, { audience: 'https://other.example' })],
    [
      'alg none',
      async () =>
        forge({ alg: 'none', kid: current.kid, typ: 'kindling-machine+jwt' }, goodClaims(), () => 'x'),
    ],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      async () =>
        forge({ alg: 'HS256', kid: current.kid, typ: 'kindling-machine+jwt' }, goodClaims(), (input) =>
          createHmac('sha256', JSON.stringify(current.publicJwk)).update(input).digest('base64url'),
        ),
    ],
    [
      'ES384',
      async () => {
        const { privateKey } = await generateKeyPair('ES384');
        return new SignJWT(goodClaims())
          .setProtectedHeader({ alg: 'ES384', kid: current.kid, typ: 'kindling-machine+jwt' })
          .sign(privateKey);
      },
    ],
    ['another typ', () => signed({ alg: 'ES256', kid: current.kid, typ: 'JWT' }, goodClaims())],
    ['no kid', () => signed({ alg: 'ES256', typ: 'kindling-machine+jwt' }, goodClaims())],
    ['no pool claim', () => signed(undefined, { ...goodClaims(), 'kindling.dev/pool': undefined })],
    ['a machine name that is not a node name', () => signed(undefined, { ...goodClaims(), sub: 'a b' })],
    ['no jti', () => signed(undefined, { ...goodClaims(), jti: undefined })],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await mint()).split('.');
        const claims = base64url.encode(JSON.stringify({ ...goodClaims(), 'kindling.dev/pool': 'masters' }));
        return `${header}.${claims}.${signature}`;
      },
    ],
    ['three garbage segments', async () => 'abc.def.ghi'],
    ['an empty string', async () => ''],
    ['a UUID', async () => '2f1c2b7e-51a5-4a43-9a2e-0c8f3b8f2b11'],
    ['an oversized token', async () => `${'a'.repeat(5000)}.b.c`],
  ];

  it.each(cases)('%s', async (_, make) => {
    expect(await verifier().verify(await make())).toEqual({ ok: false, code: 'ERR_UNAUTHORIZED' });
  });

  it('refuses an expired token that is also forged with 401, not 403', async () => {
    const token = await mint(stranger);
    expect(await verifier({ at: { now: EXP_MS + 1 } }).verify(token)).toEqual({
      ok: false,
      code: 'ERR_UNAUTHORIZED',
    });
  });
});

describe('createMachineTokenVerifier: 403', () => {
  it('answers ERR_TOKEN_EXPIRED from exp on, by the injected clock', async () => {
    const token = await mint();
    expect(await verifier({ at: { now: EXP_MS - 1 } }).verify(token)).toMatchObject({ ok: true });
    expect(await verifier({ at: { now: EXP_MS } }).verify(token)).toEqual({
      ok: false,
      code: 'ERR_TOKEN_EXPIRED',
    });
  });

  it('answers ERR_TOKEN_REVOKED for a revoked jti, even after a cached success', async () => {
    const revoked = new Set<string>();
    const v = verifier({ isRevoked: (jti) => revoked.has(jti) });
    const token = await mint(current, { jti: 'to-revoke' });
    expect(await v.verify(token)).toMatchObject({ ok: true });
    revoked.add('to-revoke');
    expect(await v.verify(token)).toEqual({ ok: false, code: 'ERR_TOKEN_REVOKED' });
    expect(await verifier({ isRevoked: (jti) => revoked.has(jti) }).verify(token)).toEqual({
      ok: false,
      code: 'ERR_TOKEN_REVOKED',
    });
  });
});

describe('createMachineTokenVerifier: the cache of verified tokens', () => {
  it('is keyed by the SHA-256 of the token and never holds the token', async () => {
    const cache = new LRUCache<string, VerifiedMachineToken>({ max: 10 });
    const token = await mint();
    await verifier({ cache }).verify(token);
    expect([...cache.keys()]).toEqual([hash('sha256', token, 'hex')]);
    const held = JSON.stringify([...cache.entries()]);
    for (const segment of token.split('.')) expect(held).not.toContain(segment);
  });

  it('answers from the cache without verifying again, and checks expiry on a hit', async () => {
    const cache = new LRUCache<string, VerifiedMachineToken>({ max: 10 });
    const clock = { now: T0 };
    const v = verifier({ cache, at: clock });
    // Not a signature anyone made: only a cache hit can make it pass.
    const planted = 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln';
    cache.set(hash('sha256', planted, 'hex'), { pool: 'p', machine: 'm', jti: 'j', expiresAt: T0 + 10 });
    expect(await v.verify(planted)).toMatchObject({ ok: true, pool: 'p', machine: 'm' });
    clock.now = T0 + 10;
    expect(await v.verify(planted)).toEqual({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
    expect(cache.size).toBe(0);
    expect(await v.verify(planted)).toEqual({ ok: false, code: 'ERR_UNAUTHORIZED' });
  });

  it('caches no failure', async () => {
    const cache = new LRUCache<string, VerifiedMachineToken>({ max: 10 });
    await verifier({ cache }).verify(await mint(stranger));
    await verifier({ cache, at: { now: EXP_MS } }).verify(await mint());
    expect(cache.size).toBe(0);
  });
});

describe('createMachineTokenVerifier: configuration', () => {
  it('refuses a private key, an empty key set and an empty audience', () => {
    const refused: Partial<MachineTokenVerifierOptions>[] = [
      { publicJwks: [current.privateJwk] },
      { publicJwks: [] },
      { audience: '' },
    ];
    for (const options of refused) {
      expect(() => verifier(options)).toThrow(KindlingError);
    }
    expect(() => verifier({ publicJwks: [current.privateJwk] })).toThrow(/private key/);
  });
});
