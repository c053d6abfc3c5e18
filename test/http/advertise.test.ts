import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAdvertiseRoutes } from '../../src/http/advertise/createAdvertiseRoutes.ts';
import type { AppEnv } from '../../src/http/AppEnv.ts';
import { createAuthenticator, type Authentication } from '../../src/http/auth/createAuthenticator.ts';
import { createErrorAnswers } from '../../src/http/errors/createErrorAnswers.ts';
import { createFailureLimiter } from '../../src/http/rateLimit/createFailureLimiter.ts';
import { createMemoryReportStore } from '../../src/machines/createMemoryReportStore.ts';
import type { MachineReportStore } from '../../src/machines/MachineReportStore.ts';
import type { ClusterObject } from '../../src/sources/ClusterObject.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';
import { fingerprint, hashToken } from '../../src/tokens/hashToken.ts';
import { createSigningKey } from '../../src/tokens/jws/createSigningKey.ts';
import { mintMachineToken } from '../../src/tokens/jws/mintMachineToken.ts';
import { verificationKeysSecret } from '../../src/tokens/jws/verificationKeysSecret.ts';
import { sampleFacts } from '../machines/sampleFacts.ts';
import { tokenSecret } from '../support/tokenSecret.ts';

const NOW = Date.parse('2026-11-21T12:00:00Z');

function setup({
  reports = createMemoryReportStore(),
  machineToken,
}: { reports?: MachineReportStore; machineToken?: string } = {}) {
  const store = createPayloadStore({ now: () => NOW });
  const tokens = { workers: randomUUID(), gpu: randomUUID(), expired: randomUUID(), revoked: randomUUID() };
  store.replace([
    tokenSecret({ name: 'workers', pool: 'workers', token: tokens.workers }),
    tokenSecret({ name: 'gpu', pool: 'gpu', token: tokens.gpu }),
    tokenSecret({
      name: 'old',
      pool: 'old',
      token: tokens.expired,
      annotations: { 'kindling.dev/expires-at': '2026-11-01T00:00:00Z' },
    }),
    tokenSecret({ name: 'revoked', pool: 'workers', token: tokens.revoked }),
  ]);
  store.remove({ namespace: 'kindling', name: 'revoked' });
  const real = createAuthenticator({
    store,
    isLoaded: () => true,
    limiter: createFailureLimiter({ burst: 1000, refillPerSecond: 1, now: () => NOW }),
  });
  // A per-machine token names its machine in the authentication (`found.machine`, as the authenticator
  // sets it for a verified JWS); here, the gpu pool token stands in for one.
  const authenticate = async (header: string | undefined, address: string): Promise<Authentication> => {
    const auth = await real(header, address);
    if (!auth.ok || machineToken === undefined || header !== `Bearer ${tokens.gpu}`) return auth;
    return { ...auth, found: { ...auth.found, role: 'machine', machine: machineToken } };
  };
  const failures: string[] = [];
  const logged: (string | undefined)[] = [];
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    await next();
    logged.push(c.get('errorCode'));
  });
  app.route(
    '/',
    createAdvertiseRoutes({
      authenticate,
      errors: createErrorAnswers({ retryAfterSeconds: 5 }),
      reports,
      now: () => NOW,
      remoteAddress: () => '192.0.2.7',
      onStoreFailed: (_error, machine) => failures.push(machine),
    }),
  );
  const post = (
    body: unknown,
    { token = tokens.workers, headers = {} }: { token?: string; headers?: Record<string, string> } = {},
  ) =>
    app.request('/advertise', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' || body instanceof ReadableStream ? body : JSON.stringify(body),
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  return { app, post, reports, tokens, failures, logged };
}

async function expectError(response: Response, status: number, error: string, message?: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe(error);
  if (message) expect(body.message).toMatch(message);
  return body;
}

describe('POST /advertise', () => {
  it('stores the report under the reported name, with the pool, the token fingerprint and the address', async () => {
    const { post, reports, tokens } = setup();
    const response = await post({
      ...sampleFacts({ hostname: 'GPU-Worker-1' }),
      rackUnit: 12,
      extra: { site: 'par1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      machine: 'gpu-worker-1',
      identity: 'reported',
      receivedAt: '2026-11-21T12:00:00.000Z',
    });
    const stored = await reports.get('gpu-worker-1');
    expect(stored).toMatchObject({
      machine: 'gpu-worker-1',
      pool: 'workers',
      identity: 'reported',
      tokenFingerprint: fingerprint(hashToken(tokens.workers)),
      remoteAddress: '192.0.2.7',
      facts: { hostname: 'GPU-Worker-1', cpu: { count: 128 }, extra: { site: 'par1', rackUnit: 12 } },
    });
    expect(JSON.stringify(stored)).not.toContain(tokens.workers);
  });

  it('replaces the previous report of the machine, and lists one report per machine', async () => {
    const { post, reports } = setup();
    await post(sampleFacts({ hostname: 'a', cpu: { count: 2 } }));
    await post(sampleFacts({ hostname: 'b' }));
    await post(sampleFacts({ hostname: 'a', cpu: { count: 4 } }));
    const listed = await reports.list();
    expect(listed.map((r) => [r.machine, r.facts.cpu?.count])).toEqual([
      ['a', 4],
      ['b', 128],
    ]);
  });

  it("stores under nodeName when the payload knows it, and under the token's machine for a machine token", async () => {
    const named = setup();
    expect(
      await (await named.post(sampleFacts({ hostname: 'localhost', nodeName: 'node-0a1b2c3d4e5f' }))).json(),
    ).toMatchObject({
      machine: 'node-0a1b2c3d4e5f',
    });
    const own = setup({ machineToken: 'rack1-u12' });
    const response = await own.post(sampleFacts({ hostname: 'whatever' }), { token: own.tokens.gpu });
    expect(await response.json()).toMatchObject({ machine: 'rack1-u12', identity: 'token' });
  });

  describe('refuses, changing nothing', () => {
    it('a missing, malformed, expired, revoked or unknown token, with the answers of /ignition', async () => {
      const { app, post, reports, tokens } = setup();
      const missing = await app.request('/advertise', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleFacts()),
      });
      await expectError(missing, 401, 'ERR_UNAUTHORIZED');
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="kindling"');
      await expectError(await post(sampleFacts(), { token: 'not-a-token' }), 401, 'ERR_UNAUTHORIZED');
      await expectError(await post(sampleFacts(), { token: tokens.expired }), 403, 'ERR_TOKEN_EXPIRED');
      await expectError(await post(sampleFacts(), { token: tokens.revoked }), 403, 'ERR_TOKEN_REVOKED');
      const unknown = await post(sampleFacts(), { token: randomUUID() });
      await expectError(unknown, 503, 'ERR_TOKEN_UNKNOWN');
      expect(unknown.headers.get('retry-after')).toBe('5');
      expect(await reports.list()).toEqual([]);
    });

    it('a body over 64 KiB, declared or streamed, before reading it whole', async () => {
      const { post, reports } = setup();
      const big = JSON.stringify({ ...sampleFacts(), extra: { blob: 'x'.repeat(70_000) } });
      await expectError(await post(big), 413, 'ERR_BODY_TOO_LARGE', /: a report is at most 65536 bytes$/);
      let pulled = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(16_384).fill(0x20));
        },
      });
      await expectError(await post(endless), 413, 'ERR_BODY_TOO_LARGE');
      expect(pulled).toBeLessThanOrEqual(6);
      expect(await reports.list()).toEqual([]);
    });

    it('a body that is not JSON, or not declared as JSON', async () => {
      const { post, reports } = setup();
      await expectError(await post('{"hostname":'), 400, 'ERR_BAD_REQUEST', /: the body is not UTF-8 JSON$/);
      await expectError(
        await post(JSON.stringify(sampleFacts()), {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'ERR_UNSUPPORTED_MEDIA_TYPE',
      );
      expect(await reports.list()).toEqual([]);
    });

    it('wrong types and missing fields, naming each field and what it must be, never the value', async () => {
      const { post, reports } = setup();
      const wrong = await expectError(
        await post({
          ...sampleFacts(),
          cpu: { count: 'many' },
          gpus: [{ vendor: 'nvidia', model: 'x', count: 0 }],
        }),
        422,
        'ERR_REPORT_INVALID',
      );
      expect(wrong.message).toBe(
        'the report does not match the machine report schema: cpu.count: Invalid input: expected number, received string; ' +
          'gpus[0].count: Too small: expected number to be >=1',
      );
      expect(wrong.message).not.toContain('many');
      const { hostname: _hostname, kernel: _kernel, ...missing } = sampleFacts();
      await expectError(
        await post(missing),
        422,
        'ERR_REPORT_INVALID',
        /: hostname: is required; kernel: is required$/,
      );
      await expectError(await post([1, 2]), 422, 'ERR_REPORT_INVALID', /: the report must be a JSON object$/);
      await expectError(
        await post(sampleFacts({ machineId: 'SECRET-looking-value' })),
        422,
        'ERR_REPORT_INVALID',
        /: machineId: must be 32 lower-case hex digits, as in \/etc\/machine-id$/,
      );
      const badName = await expectError(
        await post(sampleFacts({ hostname: 'under_score!' })),
        422,
        'ERR_REPORT_INVALID',
      );
      expect(badName.message).toMatch(/: hostname: must be a node name \(a lower-case DNS subdomain/);
      expect(badName.message).not.toContain('under_score');
      expect(await reports.list()).toEqual([]);
    });

    it('a pool token claiming a machine that reports with its own token, or a machine of another pool', async () => {
      const { post, reports, tokens } = setup({ machineToken: 'node-7' });
      await post(sampleFacts({ hostname: 'node-7' }), { token: tokens.gpu });
      await expectError(
        await post(sampleFacts({ hostname: 'node-7', cpu: { count: 1 } })),
        409,
        'ERR_REPORT_CONFLICT',
        /reports with its own token/,
      );
      await post(sampleFacts({ hostname: 'node-8' }));
      const other = setup({ reports });
      const conflict = await expectError(
        await other.post(sampleFacts({ hostname: 'node-8', cpu: { count: 1 } }), { token: other.tokens.gpu }),
        409,
        'ERR_REPORT_CONFLICT',
        /another pool/,
      );
      expect(conflict.message).not.toMatch(/workers|gpu/);
      expect((await reports.list()).map((r) => [r.machine, r.facts.cpu?.count])).toEqual([
        ['node-7', 128],
        ['node-8', 128],
      ]);
    });

    it('any other method, with Allow: POST', async () => {
      const { app, logged } = setup();
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await app.request('/advertise', { method });
        await expectError(response, 405, 'ERR_METHOD_NOT_ALLOWED');
        expect(response.headers.get('allow')).toBe('POST');
      }
      expect(logged).toEqual(['ERR_METHOD_NOT_ALLOWED', 'ERR_METHOD_NOT_ALLOWED', 'ERR_METHOD_NOT_ALLOWED']);
    });
  });

  it('answers 503 with Retry-After when the store fails, so that the machine retries', async () => {
    const broken: MachineReportStore = {
      ...createMemoryReportStore(),
      put: () => Promise.reject(new Error('the API server is down')),
    };
    const { post, failures } = setup({ reports: broken });
    const response = await post(sampleFacts());
    await expectError(response, 503, 'ERR_REPORT_NOT_STORED');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(failures).toEqual(['gpu-worker-1']);
  });
});

describe('POST /advertise with a per-machine signed token (the real authenticator and store)', () => {
  const SERVER = 'https://kindling.example:8443';

  async function setupMachineTokens() {
    const store = createPayloadStore({ now: () => NOW, machineTokenAudience: SERVER });
    store.replace([tokenSecret({ name: 'edge', pool: 'edge' })]);
    const { privateJwk } = await createSigningKey();
    store.cluster.upsert({
      kind: 'Secret',
      ...verificationKeysSecret({
        name: 'kindling-verification-keys',
        namespace: 'kindling',
        current: privateJwk,
      }),
    } as ClusterObject);
    const mint = (machine: string, jti: string) =>
      mintMachineToken({
        privateJwk,
        pool: 'edge',
        machine,
        audience: SERVER,
        ttlSeconds: 3600,
        now: NOW,
        jti,
      });
    const reports = createMemoryReportStore();
    const authenticate = createAuthenticator({
      store,
      isLoaded: () => true,
      limiter: createFailureLimiter({ burst: 1000, refillPerSecond: 1, now: () => NOW }),
    });
    const app = new Hono<AppEnv>().route(
      '/',
      createAdvertiseRoutes({
        authenticate,
        errors: createErrorAnswers({ retryAfterSeconds: 5 }),
        reports,
        now: () => NOW,
        remoteAddress: () => '192.0.2.7',
      }),
    );
    const post = (token: string, body: unknown) =>
      app.request('/advertise', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const revoke = (jti: string) =>
      store.cluster.upsert({
        kind: 'Secret',
        type: 'kindling.dev/revocations',
        metadata: { name: 'kindling-revocations', namespace: 'kindling' },
        data: { [jti]: Buffer.from('{}').toString('base64') },
      });
    return { post, mint, reports, revoke };
  }

  it('stores under the machine the token names, whatever the hostname says; a revoked token gets 403', async () => {
    const { post, mint, reports, revoke } = await setupMachineTokens();
    const jti = randomUUID();
    const token = await mint('rack1-u12', jti);
    const response = await post(token, sampleFacts({ hostname: 'localhost' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ machine: 'rack1-u12', identity: 'token' });
    expect(await reports.get('rack1-u12')).toMatchObject({ pool: 'edge', identity: 'token' });
    revoke(jti);
    await expectError(await post(token, sampleFacts()), 403, 'ERR_TOKEN_REVOKED');
  });
});
