import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/createApp.ts';
import { createFailureLimiter } from '../../src/http/rateLimit/createFailureLimiter.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';
import { captureLogger } from '../support/captureLogger.ts';
import { compressNow } from '../support/compressNow.ts';
import { ignitionConfig, tokenSecret } from '../support/tokenSecret.ts';

const IGNITION_2_20 = 'application/vnd.coreos.ignition+json;version=3.5.0, */*;q=0.1';
const IGNITION_2_3 = 'application/vnd.coreos.ignition+json;version=3.1.0, */*;q=0.1';

function setup({ ready = true, burst = 1000 }: { ready?: boolean; burst?: number } = {}) {
  let clock = Date.parse('2026-11-21T12:00:00Z');
  const now = () => clock;
  const store = createPayloadStore({ now, gzip: compressNow });
  const token = randomUUID();
  const previousToken = randomUUID();
  const expiredToken = randomUUID();
  const newerToken = randomUUID();
  const luksToken = randomUUID();
  const conflictToken = randomUUID();
  const refusedToken = randomUUID();
  const revokedToken = randomUUID();
  const config = ignitionConfig('3.4.0', 'workers');
  const secrets = [
    tokenSecret({
      token,
      previousToken,
      payload: config,
      annotations: { 'kindling.dev/previous-token-expires-at': '2026-11-22T06:00:00Z' },
    }),
    tokenSecret({
      name: 'sec-exp',
      pool: 'old',
      token: expiredToken,
      annotations: { 'kindling.dev/expires-at': '2026-11-01T00:00:00Z' },
    }),
    tokenSecret({ name: 'newer', token: newerToken, payload: ignitionConfig('3.5.0') }),
    tokenSecret({
      name: 'luks',
      token: luksToken,
      payload: {
        ignition: { version: '3.4.0' },
        storage: { luks: [{ name: 'data', device: '/dev/sdb', clevis: { tpm2: true } }] },
      },
    }),
    tokenSecret({ name: 'c1', token: conflictToken }),
    tokenSecret({ name: 'c2', token: conflictToken }),
    tokenSecret({ name: 'refused', token: refusedToken, payload: '{' }),
    tokenSecret({ name: 'revoked', token: revokedToken }),
  ];
  if (ready) {
    store.replace(secrets);
    store.remove({ namespace: 'kindling', name: 'revoked' });
  }
  const log = captureLogger();
  const app = createApp({
    store,
    logger: log.logger,
    limiter: createFailureLimiter({ burst, refillPerSecond: 1, now }),
    remoteAddress: () => '192.0.2.7',
  });
  const get = (headers: Record<string, string> = {}, init: RequestInit = {}) =>
    app.request('/ignition', { ...init, headers });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  return {
    app,
    get,
    bearer,
    config,
    log,
    tokens: {
      token,
      previousToken,
      expiredToken,
      newerToken,
      luksToken,
      conflictToken,
      refusedToken,
      revokedToken,
    },
    advance: (ms: number) => (clock += ms),
  };
}

async function expectServed(response: Response, config: unknown) {
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(config);
}

describe('GET /ignition: the HTTP contract', () => {
  it('200 for the current token, with the full config and every required header', async () => {
    const { get, bearer, tokens, config } = setup();
    const response = await get(bearer(tokens.token));
    const body = Buffer.from(await response.clone().arrayBuffer());
    expect(response.status).toBe(200);
    expect(body.length).toBeGreaterThan(0);
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('application/vnd.coreos.ignition+json;version=3.4.0');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(JSON.parse(body.toString())).toEqual(config);
  });

  it('200 for the previous token inside its overlap window, 403 after it', async () => {
    const { get, bearer, tokens, config, advance } = setup();
    await expectServed(await get(bearer(tokens.previousToken)), config);
    advance(18 * 3600 * 1000);
    expect((await get(bearer(tokens.previousToken))).status).toBe(403);
    expect((await get(bearer(tokens.token))).status).toBe(200);
  });

  it('accepts the token as the base64 of the UUID string (HyperShift stubs)', async () => {
    const { get, tokens, config } = setup();
    const encoded = Buffer.from(tokens.token).toString('base64');
    await expectServed(await get({ authorization: `Bearer ${encoded}` }), config);
    await expectServed(await get({ authorization: `bearer   ${tokens.token.toUpperCase()}` }), config);
  });

  it('304 when If-None-Match matches the representation, 200 when it does not', async () => {
    const { get, bearer, tokens } = setup();
    const first = await get(bearer(tokens.token));
    const etag = first.headers.get('etag')!;
    const again = await get({ ...bearer(tokens.token), 'if-none-match': `"other", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    // The gzip representation has its own tag: the identity tag does not match it.
    const gzip = await get({ ...bearer(tokens.token), 'if-none-match': etag, 'accept-encoding': 'gzip' });
    expect(gzip.status).toBe(200);
    expect(gzip.headers.get('etag')).not.toBe(etag);
  });

  it('HEAD: same status and headers as GET, no body', async () => {
    const { get, bearer, tokens } = setup();
    const getResponse = await get(bearer(tokens.token));
    const head = await get(bearer(tokens.token), { method: 'HEAD' });
    expect(head.status).toBe(200);
    for (const name of [
      'content-length',
      'etag',
      'content-type',
      'cache-control',
      'x-content-type-options',
    ]) {
      expect(head.headers.get(name)).toBe(getResponse.headers.get(name));
    }
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const unauthorized = await get({}, { method: 'HEAD' });
    expect(unauthorized.status).toBe(401);
  });

  it('gzip body with Content-Encoding and Vary when the client accepts gzip; identity otherwise', async () => {
    const { get, bearer, tokens, config } = setup();
    const response = await get({ ...bearer(tokens.token), 'accept-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
    const raw = Buffer.from(await response.arrayBuffer());
    expect(raw[0]).toBe(0x1f);
    expect(response.headers.get('content-length')).toBe(String(raw.length));
    expect(JSON.parse(gunzipSync(raw).toString())).toEqual(config);
    // What Ignition sends by default: identity.
    const identity = await get({ ...bearer(tokens.token), 'accept-encoding': 'identity' });
    expect(identity.headers.get('content-encoding')).toBeNull();
    const refused = await get({ ...bearer(tokens.token), 'accept-encoding': 'gzip;q=0, *;q=1' });
    expect(refused.headers.get('content-encoding')).toBeNull();
  });

  it('converts down to the spec the Ignition client names when the payload uses nothing newer', async () => {
    const { get, bearer, tokens, config } = setup();
    const response = await get({ ...bearer(tokens.token), accept: IGNITION_2_3 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.coreos.ignition+json;version=3.1.0');
    expect(await response.json()).toEqual({ ...config, ignition: { version: '3.1.0' } });
    // A newer client gets the payload as stored.
    await expectServed(await get({ ...bearer(tokens.token), accept: IGNITION_2_20 }), config);
  });

  it('406 when the payload cannot be expressed in the requested spec; */*;q=0.1 is no fallback', async () => {
    const { get, bearer, tokens } = setup();
    const response = await get({
      ...bearer(tokens.luksToken),
      accept: 'application/vnd.coreos.ignition+json;version=3.1.0, */*;q=0.1',
    });
    expect(response.status).toBe(406);
    expect(await response.json()).toMatchObject({ error: 'ERR_NOT_ACCEPTABLE' });
    // Spec 2 clients cannot read any spec 3 config.
    expect(
      (await get({ ...bearer(tokens.token), accept: 'application/vnd.coreos.ignition+json;version=2.2.0' }))
        .status,
    ).toBe(406);
  });

  it('serves as stored when Accept names no Ignition media type', async () => {
    const { get, bearer, tokens } = setup();
    const response = await get({ ...bearer(tokens.newerToken), accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ignition: { version: string } }).ignition.version).toBe('3.5.0');
  });

  it.each([
    ['no header', {}],
    ['empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['not a UUID', { authorization: 'Bearer hunter2' }],
    [
      'base64 of something else',
      { authorization: `Bearer ${Buffer.from('x'.repeat(36)).toString('base64')}` },
    ],
    ['two credentials', { authorization: `Bearer ${randomUUID()} ${randomUUID()}` }],
  ])('401 with WWW-Authenticate for %s', async (_name, headers) => {
    const { get } = setup();
    const response = await get(headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="kindling"');
    expect(await response.json()).toMatchObject({ error: 'ERR_UNAUTHORIZED' });
  });

  it('403 for an expired token and for a revoked one (its Secret vanished)', async () => {
    const { get, bearer, tokens } = setup();
    const expired = await get(bearer(tokens.expiredToken));
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ error: 'ERR_TOKEN_EXPIRED' });
    const revoked = await get(bearer(tokens.revokedToken));
    expect(revoked.status).toBe(403);
    expect(await revoked.json()).toMatchObject({ error: 'ERR_TOKEN_REVOKED' });
  });

  it.each([
    ['an unknown token', 'unknown', 'ERR_TOKEN_UNKNOWN'],
    ['a token whose Secret was refused', 'refusedToken', 'ERR_SECRET_REFUSED'],
    ['a token claimed by two Secrets', 'conflictToken', 'ERR_TOKEN_CONFLICT'],
  ] as const)('503 with Retry-After for %s', async (_name, which, code) => {
    const { get, bearer, tokens } = setup();
    const token = which === 'unknown' ? randomUUID() : tokens[which];
    const response = await get(bearer(token));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: code });
  });

  it('503 with Retry-After while not ready, even for a well-formed token', async () => {
    const { get, bearer, app } = setup({ ready: false });
    const response = await get(bearer(randomUUID()));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: 'ERR_NOT_READY' });
    expect((await app.request('/readyz')).status).toBe(503);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('503 (never 429) once an address has used up its failed lookups; refills with time', async () => {
    const { get, bearer, tokens, advance } = setup({ burst: 3 });
    for (let i = 0; i < 3; i++) expect((await get(bearer(randomUUID()))).status).toBe(503);
    const limited = await get(bearer(tokens.token));
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(await limited.json()).toMatchObject({ error: 'ERR_RATE_LIMITED' });
    advance(1000);
    expect((await get(bearer(tokens.token))).status).toBe(200);
    // Successes do not spend the bucket.
    for (let i = 0; i < 5; i++) expect((await get(bearer(tokens.token))).status).toBe(200);
  });

  it('a request without a token spends no failed lookup: the address is not locked out by it', async () => {
    const { get, bearer, tokens } = setup({ burst: 3 });
    for (let i = 0; i < 10; i++) {
      const refused = await get({});
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: 'ERR_UNAUTHORIZED' });
    }
    expect((await get(bearer(tokens.token))).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await get(bearer(randomUUID()))).status).toBe(503);
    expect(await (await get(bearer(randomUUID()))).json()).toMatchObject({ error: 'ERR_TOKEN_UNKNOWN' });
    expect(await (await get(bearer(tokens.token))).json()).toMatchObject({ error: 'ERR_RATE_LIMITED' });
    // Out of budget, the address is still told that a request without a token will never succeed.
    expect((await get({})).status).toBe(401);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('405 with Allow for %s', async (method) => {
    const { get, bearer, tokens } = setup();
    const response = await get(bearer(tokens.token), { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('never answers 2xx with an empty body, and error bodies name no pool, Secret or token', async () => {
    const { get, bearer, tokens } = setup();
    const everyToken = Object.values(tokens);
    for (const token of [...everyToken, randomUUID()]) {
      const response = await get(bearer(token));
      const text = await response.text();
      if (response.status < 300) expect(text.length).toBeGreaterThan(0);
      else {
        for (const secretWord of ['workers', 'old', 'kindling/', 'sec-exp', 'c1', 'c2', ...everyToken]) {
          expect(text).not.toContain(secretWord);
        }
      }
    }
  });

  it('never reads a token from the URL', async () => {
    const { app, tokens } = setup();
    const response = await app.request(`/ignition?token=${tokens.token}&access_token=${tokens.token}`);
    expect(response.status).toBe(401);
  });

  it('404 for other paths', async () => {
    const { app, bearer, tokens } = setup();
    expect((await app.request('/ignition/extra', { headers: bearer(tokens.token) })).status).toBe(404);
    expect((await app.request('/config/worker')).status).toBe(404);
  });
});
