import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../src/errors/KindlingError.ts';
import { hashToken } from '../../src/tokens/hashToken.ts';
import { claimedTokenHashes, parseTokenSecret } from '../../src/tokens/parseTokenSecret.ts';
import type { SecretObject } from '../../src/tokens/SecretObject.ts';
import { ignitionConfig, tokenSecret } from '../support/tokenSecret.ts';

const options = { maxPayloadBytes: 64 * 1024 };

function ruleOf(
  secret: SecretObject,
  opts = options,
): { rule: string | undefined; message: string; path?: string } {
  try {
    parseTokenSecret(secret, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(KindlingError);
    const e = error as KindlingError;
    expect(e.code).toBe('ERR_SECRET_INVALID');
    return { rule: e.rule, message: e.message, path: e.path };
  }
  throw new Error('expected the Secret to be refused');
}

describe('parseTokenSecret: a valid Secret', () => {
  it('reads base64 data, hashes the tokens and keeps the payload bytes', () => {
    const token = randomUUID();
    const previousToken = randomUUID();
    const parsed = parseTokenSecret(
      tokenSecret({
        token: token.toUpperCase(),
        previousToken,
        annotations: {
          'kindling.dev/expires-at': '2026-12-01T00:00:00Z',
          'kindling.dev/previous-token-expires-at': '2026-11-22T06:00:00+01:00',
        },
      }),
      options,
    );
    expect(parsed.key).toBe('kindling/token-workers');
    expect(parsed.pool).toBe('workers');
    // Upper-case UUIDs are the same token: hashed in canonical lower case.
    expect(parsed.tokenHash).toBe(hashToken(token));
    expect(parsed.previousTokenHash).toBe(hashToken(previousToken));
    expect(parsed.expiresAt).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(parsed.previousTokenExpiresAt).toBe(Date.parse('2026-11-22T05:00:00Z'));
    expect(parsed.payload?.version).toBe('3.4.0');
    expect(JSON.parse(String(parsed.payload?.bytes))).toEqual(ignitionConfig());
  });

  it('reads stringData, which wins over data as on the API server', () => {
    const secret = tokenSecret({ plain: true });
    secret.data = { token: Buffer.from('not-a-uuid').toString('base64') };
    expect(() => parseTokenSecret(secret, options)).not.toThrow();
  });

  it('decompresses a gzip payload', () => {
    const parsed = parseTokenSecret(tokenSecret({ payload: ignitionConfig('3.2.0'), gzip: true }), options);
    expect(parsed.payload?.version).toBe('3.2.0');
    expect(JSON.parse(String(parsed.payload?.bytes))).toEqual(ignitionConfig('3.2.0'));
  });

  it('shares an already held payload instead of validating it again', () => {
    const first = parseTokenSecret(tokenSecret(), options);
    const second = parseTokenSecret(tokenSecret({ name: 'other' }), {
      ...options,
      knownPayload: (hash) => (hash === first.payload?.contentHash ? first.payload : undefined),
    });
    expect(second.payload).toBe(first.payload);
  });
});

describe('parseTokenSecret: every rule of format v1', () => {
  const cases: [string, () => SecretObject, RegExp][] = [
    ['wrong-type', () => tokenSecret({ type: 'Opaque' }), /type is "Opaque", expected "kindling.dev\/token"/],
    ['bad-pool', () => tokenSecret({ pool: 'Not_A_Label' }), /kindling.dev\/pool/],
    [
      'missing-token',
      () => {
        const s = tokenSecret();
        delete s.data!.token;
        return s;
      },
      /data.token is missing/,
    ],
    ['bad-uuid', () => tokenSecret({ token: 'hunter2' }), /data.token is not a UUID/],
    ['bad-uuid', () => tokenSecret({ previousToken: 'nope' }), /data.previous-token is not a UUID/],
    [
      'same-token',
      () =>
        tokenSecret({
          token: '11111111-2222-4333-8444-555555555555',
          previousToken: '11111111-2222-4333-8444-555555555555',
        }),
      /equals/,
    ],
    [
      'bad-base64',
      () => {
        const s = tokenSecret();
        s.data!.payload = '%%%not base64%%%';
        return s;
      },
      /data.payload is not valid base64/,
    ],
    [
      'bad-annotation',
      () => tokenSecret({ annotations: { 'kindling.dev/expires-at': 'tomorrow' } }),
      /RFC 3339/,
    ],
    [
      'bad-annotation',
      () =>
        tokenSecret({ annotations: { 'kindling.dev/previous-token-expires-at': '2026-13-45T99:00:00Z' } }),
      /previous-token-expires-at/,
    ],
    [
      'missing-payload',
      () => {
        const s = tokenSecret();
        delete s.data!.payload;
        return s;
      },
      /data.payload \(or data.template\) is missing/,
    ],
    ['too-large', () => tokenSecret({ payload: 'x'.repeat(64 * 1024 + 1) }), /over the limit of 65536/],
    [
      'gzip-bomb',
      () => tokenSecret({ payload: gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)) }),
      /expands beyond the limit/,
    ],
    [
      'bad-gzip',
      () => tokenSecret({ payload: Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]) }),
      /does not decompress/,
    ],
    ['invalid-json', () => tokenSecret({ payload: '{"ignition": ' }), /payload/],
    ['unsupported-version', () => tokenSecret({ payload: { ignition: { version: '2.2.0' } } }), /payload/],
    ['unknown-key', () => tokenSecret({ payload: { ignition: { version: '3.4.0' }, storge: {} } }), /storge/],
    [
      'schema',
      () => tokenSecret({ payload: { ignition: { version: '3.4.0' }, storage: { files: 'x' } } }),
      /payload/,
    ],
  ];
  it.each(cases)('%s', (rule, make, message) => {
    const refused = ruleOf(make());
    expect(refused.rule).toBe(rule);
    expect(refused.message).toMatch(message);
  });

  it('never puts a token in an error message', () => {
    const token = '11111111-2222-4333-8444-555555555555';
    for (const secret of [
      tokenSecret({ token, previousToken: token }),
      tokenSecret({ token: `${token}x` }),
      tokenSecret({ token, payload: '{' }),
    ]) {
      expect(ruleOf(secret).message).not.toContain('11111111');
    }
  });

  it('claimedTokenHashes names the well-formed tokens of a refused Secret, and nothing else', () => {
    const token = randomUUID();
    expect(claimedTokenHashes(tokenSecret({ token, payload: '{' }))).toEqual([hashToken(token)]);
    expect(claimedTokenHashes(tokenSecret({ token: 'bad', payload: '{' }))).toEqual([]);
  });
});
