import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, type Authentication } from '../../../src/http/auth/createAuthenticator.ts';
import type { FailureLimiter } from '../../../src/http/rateLimit/createFailureLimiter.ts';
import { createPayloadStore } from '../../../src/store/createPayloadStore.ts';
import { fingerprint, hashToken } from '../../../src/tokens/hashToken.ts';
import { tokenSecret } from '../../support/tokenSecret.ts';

function setup() {
  const token = randomUUID();
  const store = createPayloadStore();
  store.replace([tokenSecret({ token })]);
  const failures: string[] = [];
  const limiter: FailureLimiter = { blocked: () => false, fail: (address) => void failures.push(address) };
  const authenticate = createAuthenticator({ store, isLoaded: () => store.ready, limiter });
  const ask = (authorization: string | undefined) =>
    authenticate(authorization, '192.0.2.7') as Authentication;
  return { token, ask, failures };
}

describe('createAuthenticator: pool tokens', () => {
  it('serves the token stubs send, and spends no failure on it', () => {
    const { token, ask, failures } = setup();
    expect(ask(`Bearer ${token}`)).toMatchObject({
      ok: true,
      tokenHash: hashToken(token),
      tokenFingerprint: fingerprint(hashToken(token)),
      found: { role: 'current' },
    });
    expect(failures).toEqual([]);
  });

  it('serves the same token in another accepted form, found after the stub-shaped lookup missed', () => {
    const { token, ask, failures } = setup();
    expect(ask(`Bearer ${token.toUpperCase()}`)).toMatchObject({ ok: true, tokenHash: hashToken(token) });
    expect(ask(`Bearer ${Buffer.from(token).toString('base64')}`)).toMatchObject({ ok: true });
    expect(failures).toEqual([]);
  });

  it.each([
    [
      'a stub-shaped header that holds no UUID',
      (token: string) => `Bearer ${token.slice(0, 35)}g`,
      'ERR_UNAUTHORIZED',
    ],
    ['an unknown token', () => `Bearer ${randomUUID()}`, 'ERR_TOKEN_UNKNOWN'],
    ['an unknown token in upper case', () => `Bearer ${randomUUID().toUpperCase()}`, 'ERR_TOKEN_UNKNOWN'],
    ['no header', () => undefined, 'ERR_UNAUTHORIZED'],
  ])('refuses %s, counting exactly one failure', (_, header, code) => {
    const { token, ask, failures } = setup();
    expect(ask(header(token))).toMatchObject({ ok: false, code });
    expect(failures).toEqual(['192.0.2.7']);
  });
});
