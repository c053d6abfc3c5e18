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
    ['an unknown token', () => `Bearer ${randomUUID()}`, 'ERR_TOKEN_UNKNOWN'],
    ['an unknown token in upper case', () => `Bearer ${randomUUID().toUpperCase()}`, 'ERR_TOKEN_UNKNOWN'],
    [
      'an unknown token in base64',
      () => `Bearer ${Buffer.from(randomUUID()).toString('base64')}`,
      'ERR_TOKEN_UNKNOWN',
    ],
  ])('refuses %s, counting exactly one failure', (_, header, code) => {
    const { ask, failures } = setup();
    expect(ask(header())).toMatchObject({ ok: false, code });
    expect(failures).toEqual(['192.0.2.7']);
  });

  // Nothing there could be a token, so nothing was guessed: such requests (a health check, a client without
  // its stub's header) must not use up the budget of an address that machines may share behind a NAT.
  it.each([
    ['no header', () => undefined],
    ['a stub-shaped header that holds no UUID', (token: string) => `Bearer ${token.slice(0, 35)}g`],
    ['another scheme', (token: string) => `Basic ${Buffer.from(`u:${token}`).toString('base64')}`],
    ['a bearer that is no UUID, its base64 or a JWS', () => 'Bearer not-a-token'],
    ['an empty bearer', () => 'Bearer '],
  ])('refuses %s with 401, counting no failure', (_, header) => {
    const { token, ask, failures } = setup();
    expect(ask(header(token))).toMatchObject({ ok: false, code: 'ERR_UNAUTHORIZED' });
    expect(failures).toEqual([]);
  });
});
