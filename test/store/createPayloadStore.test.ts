import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../src/errors/KindlingError.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';
import type { StoreObserver } from '../../src/store/StoreObserver.ts';
import { hashToken } from '../../src/tokens/hashToken.ts';
import { compressNow } from '../support/compressNow.ts';
import { ignitionConfig, tokenSecret } from '../support/tokenSecret.ts';

function setup(options: { tombstoneTtlMs?: number; cacheMaxBytes?: number } = {}) {
  let clock = Date.parse('2026-11-21T12:00:00Z');
  const events: string[] = [];
  const observer: StoreObserver = {
    secretAccepted: (key) => events.push(`accepted ${key}`),
    secretRefused: (key, error, { stillServing }) =>
      events.push(`refused ${key} ${error.rule} ${stillServing}`),
    secretRemoved: (key) => events.push(`removed ${key}`),
    tokenConflict: (fp, keys) => events.push(`conflict ${fp} ${keys.join(',')}`),
    ready: () => events.push('ready'),
  };
  const store = createPayloadStore({ now: () => clock, observer, gzip: compressNow, ...options });
  return { store, events, advance: (ms: number) => (clock += ms), at: () => clock };
}

describe('createPayloadStore', () => {
  it('is not ready until the first full load, then serves current and previous tokens', () => {
    const { store, events } = setup();
    const token = randomUUID();
    const previousToken = randomUUID();
    expect(store.ready).toBe(false);
    store.replace([tokenSecret({ token, previousToken })]);
    expect(store.ready).toBe(true);
    expect(events).toContain('ready');
    const current = store.lookup(hashToken(token));
    expect(current).toMatchObject({ ok: true, role: 'current', secret: { pool: 'workers' } });
    expect(store.lookup(hashToken(previousToken))).toMatchObject({ ok: true, role: 'previous' });
    expect(store.lookup(hashToken(randomUUID()))).toEqual({ ok: false, code: 'ERR_TOKEN_UNKNOWN' });
  });

  it('checks expiry at lookup time, not only when the Secret changes', () => {
    const { store, advance } = setup();
    const token = randomUUID();
    const previousToken = randomUUID();
    store.replace([
      tokenSecret({
        token,
        previousToken,
        annotations: {
          'kindling.dev/previous-token-expires-at': '2026-11-21T12:00:10Z',
          'kindling.dev/expires-at': '2026-11-21T12:01:00Z',
        },
      }),
    ]);
    expect(store.lookup(hashToken(previousToken)).ok).toBe(true);
    advance(10_000);
    expect(store.lookup(hashToken(previousToken))).toMatchObject({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
    expect(store.lookup(hashToken(token)).ok).toBe(true);
    advance(50_000);
    expect(store.lookup(hashToken(token))).toMatchObject({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('ends a previous token with no expiry of its own when its Secret expires', () => {
    const { store, advance } = setup();
    const token = randomUUID();
    const previousToken = randomUUID();
    store.replace([
      tokenSecret({
        token,
        previousToken,
        annotations: { 'kindling.dev/expires-at': '2026-11-21T12:01:00Z' },
      }),
    ]);
    expect(store.lookup(hashToken(previousToken)).ok).toBe(true);
    advance(60_000);
    expect(store.lookup(hashToken(previousToken))).toMatchObject({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
    expect(store.lookup(hashToken(token))).toMatchObject({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('answers revoked (403) for a deleted Secret and a rotated-away token, for the tombstone window only', () => {
    const { store, advance } = setup({ tombstoneTtlMs: 60_000 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    store.replace([tokenSecret({ token: a }), tokenSecret({ name: 'other', token: c })]);
    // Rotation without overlap: the old token is revoked at once.
    store.upsert(tokenSecret({ token: b }));
    expect(store.lookup(hashToken(a))).toEqual({ ok: false, code: 'ERR_TOKEN_REVOKED' });
    expect(store.lookup(hashToken(b)).ok).toBe(true);
    store.remove({ namespace: 'kindling', name: 'other' });
    expect(store.lookup(hashToken(c))).toEqual({ ok: false, code: 'ERR_TOKEN_REVOKED' });
    advance(60_001);
    expect(store.lookup(hashToken(c))).toEqual({ ok: false, code: 'ERR_TOKEN_UNKNOWN' });
  });

  it('keeps the overlap on rotation: the old token moves to previous-token and keeps working', () => {
    const { store } = setup();
    const [a, b] = [randomUUID(), randomUUID()];
    store.replace([tokenSecret({ token: a })]);
    store.upsert(tokenSecret({ token: b, previousToken: a }));
    expect(store.lookup(hashToken(a))).toMatchObject({ ok: true, role: 'previous' });
    expect(store.lookup(hashToken(b))).toMatchObject({ ok: true, role: 'current' });
  });

  it('removes Secrets missing from a relist (their tokens become 403)', () => {
    const { store } = setup();
    const [a, b] = [randomUUID(), randomUUID()];
    store.replace([tokenSecret({ token: a }), tokenSecret({ name: 'gone', token: b })]);
    store.replace([tokenSecret({ token: a })]);
    expect(store.lookup(hashToken(a)).ok).toBe(true);
    expect(store.lookup(hashToken(b))).toEqual({ ok: false, code: 'ERR_TOKEN_REVOKED' });
    expect(store.stats().secrets).toBe(1);
  });

  it('refuses a broken Secret without touching the others; its token answers "refused, retry"', () => {
    const { store, events } = setup();
    const [good, bad] = [randomUUID(), randomUUID()];
    store.replace([tokenSecret({ token: good }), tokenSecret({ name: 'broken', token: bad, payload: '{' })]);
    expect(store.lookup(hashToken(good)).ok).toBe(true);
    expect(store.lookup(hashToken(bad))).toEqual({ ok: false, code: 'ERR_SECRET_REFUSED' });
    expect(events).toContain('refused kindling/broken invalid-json false');
    expect(store.stats()).toMatchObject({ secrets: 1, refused: 1 });
  });

  it('keeps serving the last good version when an update is refused, and recovers when it is fixed', () => {
    const { store, events } = setup();
    const token = randomUUID();
    store.replace([tokenSecret({ token, payload: ignitionConfig('3.4.0', 'v1') })]);
    store.upsert(tokenSecret({ token, payload: '{"ignition":' }));
    expect(events).toContain('refused kindling/token-workers invalid-json true');
    const found = store.lookup(hashToken(token));
    expect(found.ok && found.payloads.ignition.bytes.toString()).toContain('v1');
    store.upsert(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'v2') }));
    const fixed = store.lookup(hashToken(token));
    expect(fixed.ok && fixed.payloads.ignition.bytes.toString()).toContain('v2');
    expect(store.stats().refused).toBe(0);
  });

  it('refuses a token claimed by two Secrets (503) and reports both, until one claim is left', () => {
    const { store, events } = setup();
    const token = randomUUID();
    store.replace([tokenSecret({ name: 'a', token }), tokenSecret({ name: 'b', token })]);
    expect(store.lookup(hashToken(token))).toEqual({ ok: false, code: 'ERR_TOKEN_CONFLICT' });
    const fp = hashToken(token).slice(0, 8);
    expect(events).toContain(`conflict ${fp} kindling/a,kindling/b`);
    expect(store.stats().conflicts).toBe(1);
    store.remove({ namespace: 'kindling', name: 'b' });
    expect(store.lookup(hashToken(token)).ok).toBe(true);
    expect(events).toContain(`conflict ${fp} `);
    expect(store.stats().conflicts).toBe(0);
  });

  it('stores identical payloads once and frees them with their last Secret', () => {
    const { store } = setup();
    const secrets = Array.from({ length: 5 }, (_, i) => tokenSecret({ name: `s${i}` }));
    store.replace(secrets);
    const found = secrets.map((s) =>
      store.lookup(hashToken(Buffer.from(s.data!.token!, 'base64').toString())),
    );
    const payloads = new Set(found.map((f) => f.ok && f.payloads.ignition));
    expect(payloads.size).toBe(1);
    expect(store.stats().payloads).toBe(1);
    store.replace([]);
    expect(store.stats()).toMatchObject({ payloads: 0, payloadBytes: 0, cacheBytes: 0 });
  });

  it('prepares bytes, gzip and ETag when the Secret changes, keeps them while held, and rebuilds conversions after eviction', () => {
    // A cache too small for anything: conversions are rebuilt each time; a payload's own body is held anyway.
    const { store } = setup({ cacheMaxBytes: 1 });
    const token = randomUUID();
    store.replace([tokenSecret({ token })]);
    const found = store.lookup(hashToken(token));
    if (!found.ok) throw new Error('expected a payload');
    const body = store.body(found.payloads.ignition, '3.4.0');
    if (body instanceof KindlingError) throw body;
    // The stored bytes themselves are served: no copy per payload.
    expect(body.identity.ok.body).toBe(found.payloads.ignition.bytes);
    const digest = createHash('sha256').update(found.payloads.ignition.bytes).digest('base64url');
    expect(body.identity.etag).toBe(`"${digest}"`);
    expect(body.gzip.etag).toBe(body.identity.etag.replace(/"$/, '-gzip"'));
    expect(body.gzip.ok.headers['Content-Encoding']).toBe('gzip');
    expect(body.identity.notModified).toMatchObject({
      status: 304,
      body: null,
      headers: { ETag: body.identity.etag },
    });
    expect(store.body(found.payloads.ignition, '3.4.0')).toBe(body);
    const converted = store.body(found.payloads.ignition, '3.1.0');
    const again = store.body(found.payloads.ignition, '3.1.0');
    expect(again).not.toBe(converted);
    expect(again).toEqual(converted);
  });

  it('skips an upsert whose resourceVersion it already holds', () => {
    const { store, events } = setup();
    store.replace([tokenSecret({ resourceVersion: '7' })]);
    const before = events.length;
    store.upsert(tokenSecret({ resourceVersion: '7' }));
    expect(events.length).toBe(before);
  });

  it('converts down to an older spec on request and memoises the result', () => {
    const { store } = setup();
    const token = randomUUID();
    store.replace([tokenSecret({ token, payload: ignitionConfig('3.4.0') })]);
    const found = store.lookup(hashToken(token));
    if (!found.ok) throw new Error('expected a payload');
    const body = store.body(found.payloads.ignition, '3.1.0');
    if (body instanceof KindlingError) throw body;
    expect(JSON.parse(String(body.identity.ok.body)).ignition.version).toBe('3.1.0');
    expect(store.body(found.payloads.ignition, '3.1.0')).toBe(body);
  });
});
