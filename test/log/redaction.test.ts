import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/createApp.ts';
import { createFailureLimiter } from '../../src/http/rateLimit/createFailureLimiter.ts';
import { createObservers } from '../../src/server/createObservers.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';
import { hashToken } from '../../src/tokens/hashToken.ts';
import { captureLogger } from '../support/captureLogger.ts';
import { tokenSecret } from '../support/tokenSecret.ts';

describe('logs', () => {
  it('one JSON line per request with id, status, pool, fingerprint, address, agent and duration', async () => {
    const { logger, records } = captureLogger();
    const store = createPayloadStore();
    const token = randomUUID();
    store.replace([tokenSecret({ token, pool: 'edge' })]);
    const app = createApp({ store, logger, remoteAddress: () => '198.51.100.4' });
    await app.request('/ignition', {
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'Ignition/v2.20.0' },
    });
    await app.request('/healthz');
    const requests = records().filter((r) => r.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      level: 'info',
      route: 'ignition',
      method: 'GET',
      status: 200,
      pool: 'edge',
      tokenFingerprint: hashToken(token).slice(0, 8),
      remoteAddress: '198.51.100.4',
      userAgent: 'Ignition/v2.20.0',
    });
    expect(requests[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[0]!.requestId).not.toBe(requests[1]!.requestId);
    expect(typeof requests[0]!.durationMs).toBe('number');
    expect(requests[1]).toMatchObject({ route: 'healthz', status: 200 });
  });

  it('no token, in any form, appears in any log line under any request', async () => {
    const { logger, lines } = captureLogger();
    // The real observer: refusal and conflict lines are checked too.
    const store = createPayloadStore({
      observer: createObservers({ logger, metrics: () => undefined }).store,
    });
    const tokens = Array.from({ length: 6 }, () => randomUUID());
    const [valid, previous, conflicting, refused, removed, unknown] = tokens as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    store.replace([
      tokenSecret({ name: 'a', token: valid, previousToken: previous }),
      tokenSecret({ name: 'b', token: conflicting }),
      tokenSecret({ name: 'c', token: conflicting }),
      tokenSecret({ name: 'd', token: refused, payload: '{"ignition":{"version":"9"}}' }),
      tokenSecret({ name: 'e', token: removed }),
      // A Secret refused because of its token: the message must not echo the value.
      tokenSecret({ name: 'f', token: `${unknown}-bad` }),
    ]);
    store.remove({ namespace: 'kindling', name: 'e' });
    const app = createApp({
      store,
      logger,
      remoteAddress: () => '203.0.113.9',
      limiter: createFailureLimiter({ burst: 1e6 }),
    });
    const forms = (t: string) => [t, t.toUpperCase(), Buffer.from(t).toString('base64')];
    for (const token of tokens) {
      for (const form of forms(token)) {
        for (const path of ['/ignition', `/ignition?token=${form}`, `/${form}`]) {
          for (const method of ['GET', 'HEAD', 'POST']) {
            await app.request(path, {
              method,
              headers: {
                authorization: `Bearer ${form}`,
                'user-agent': `curl/8 ${form}`,
                'x-token': form,
                accept: 'application/vnd.coreos.ignition+json;version=3.1.0',
              },
            });
          }
        }
        await app.request('/ignition', { headers: { authorization: `Basic ${form}` } });
        await app.request('/ignition', { headers: { authorization: `Bearer ${form} extra` } });
      }
    }
    expect(lines.filter((line) => line.includes('"msg":"request"'))).toHaveLength(6 * 3 * 11);
    expect(lines.some((line) => line.includes('secret refused'))).toBe(true);
    expect(lines.some((line) => line.includes('token claimed by several secrets'))).toBe(true);
    const everything = lines.join('\n').toLowerCase();
    for (const token of tokens) {
      for (const form of forms(token)) expect(everything).not.toContain(form.toLowerCase());
      // Not even a recognisable part of it.
      expect(everything).not.toContain(token.slice(0, 13));
    }
  });
});
