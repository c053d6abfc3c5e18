import type { V1Secret } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeApiFailure } from '../../../src/sources/kubernetes/describeApiFailure.ts';
import { ApiStatusError, getApiPage } from '../../../src/sources/kubernetes/getApiPage.ts';
import { decodeSecretList } from '../../../src/sources/kubernetes/protobuf/decodeSecretList.ts';
import { PROTOBUF_MEDIA_TYPE } from '../../../src/sources/kubernetes/protobuf/unwrapEnvelope.ts';
import { toSecretObject } from '../../../src/sources/kubernetes/toSecretObject.ts';
import { fingerprint, hashToken } from '../../../src/tokens/hashToken.ts';
import { readSecretData } from '../../../src/tokens/readSecretData.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../../support/envtest.ts';
import { ignitionConfig, tokenSecret, type TokenSecretInit } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn, type KindlingOnOptions } from './startKindlingOn.ts';

// The source against a real kube-apiserver 1.20 + etcd. Each test has its own namespace.

describeEnvtest('kubernetes source (real kube-apiserver)', () => {
  let env: Envtest;
  const servers: KindlingOn[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  afterAll(() => env?.stop());

  async function serve(
    namespace: string,
    options: Partial<KindlingOnOptions> & { user?: 'admin' | 'nobody'; server?: string } = {},
  ) {
    const { user = 'admin', server: at, ...rest } = options;
    const server = await startKindlingOn(env.kubeConfig(user, at), {
      namespace,
      recordFirstFetch: false,
      ...rest,
    });
    servers.push(server);
    return server;
  }

  const secret = (namespace: string, init: TokenSecretInit & { marker?: string }) => {
    const { apiVersion, kind, ...body } = tokenSecret({
      namespace,
      ...init,
      payload: ignitionConfig('3.4.0', init.marker ?? 'one'),
    });
    return { ...body, apiVersion, kind } as V1Secret;
  };
  const create = (namespace: string, init: TokenSecretInit & { marker?: string }) =>
    env.core.createNamespacedSecret({ namespace, body: secret(namespace, init) });
  const replace = (namespace: string, init: TokenSecretInit & { marker?: string; name: string }) =>
    env.core.replaceNamespacedSecret({ namespace, name: init.name, body: secret(namespace, init) });
  const remove = (namespace: string, name: string) => env.core.deleteNamespacedSecret({ namespace, name });

  /** Milliseconds until `server` answers `token` as expected. */
  async function until(
    server: KindlingOn,
    token: string,
    expected: { status: number; marker?: string },
    timeoutMs = 5_000,
  ) {
    const start = performance.now();
    await waitFor(
      async () => {
        const got = await server.ignition(token);
        return (
          got.status === expected.status && (expected.marker === undefined || got.marker === expected.marker)
        );
      },
      { timeoutMs, intervalMs: 10, what: `HTTP ${expected.status} ${expected.marker ?? ''}` },
    );
    return performance.now() - start;
  }

  it('create → servable; update and rotation with overlap → served; delete → 403', async () => {
    const ns = await env.namespace('lifecycle');
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await create(ns, { name: 'a', token: a });
    const server = await serve(ns);
    await waitFor(async () => (await server.readyz()) === 200, { what: 'ready' });
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });

    const latencies: Record<string, number> = {};
    await create(ns, { name: 'b', token: b, marker: 'created' });
    latencies.create = await until(server, b, { status: 200, marker: 'created' });
    await replace(ns, { name: 'b', token: b, marker: 'updated' });
    latencies.update = await until(server, b, { status: 200, marker: 'updated' });
    await replace(ns, { name: 'b', token: c, previousToken: b, marker: 'rotated' });
    latencies.rotate = await until(server, c, { status: 200, marker: 'rotated' });
    expect(await server.ignition(b)).toEqual({ status: 200, marker: 'rotated' });
    await remove(ns, 'b');
    latencies.delete = await until(server, c, { status: 403 });
    expect(await server.ignition(b)).toEqual({ status: 403 });
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
    console.log(
      '[envtest] change → new answer (ms):',
      JSON.stringify(latencies, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v)),
    );
  });

  it('the API server killed and restarted mid-watch: keeps serving, stays ready, then serves later changes within 5 s', async () => {
    const ns = await env.namespace('restart');
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await create(ns, { name: 'a', token: a });
    await create(ns, { name: 'b', token: b });
    const server = await serve(ns);
    await until(server, a, { status: 200, marker: 'one' });
    await env.killApiServer();
    await waitFor(async () => (await server.metric('kindling_source_reconnects_total')) >= 2, {
      timeoutMs: 10_000,
      what: 'reconnect attempts while the API server is down',
    });
    expect(await server.readyz()).toBe(200);
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
    await env.startApiServer();
    expect(await server.readyz()).toBe(200);
    const changedAt = performance.now();
    await replace(ns, { name: 'a', token: a, marker: 'after restart' });
    await remove(ns, 'b');
    await create(ns, { name: 'c', token: c });
    await until(server, a, { status: 200, marker: 'after restart' });
    await until(server, b, { status: 403 });
    await until(server, c, { status: 200, marker: 'one' });
    const elapsed = performance.now() - changedAt;
    console.log(`[envtest] changes after the API server returned, served after ${Math.round(elapsed)} ms`);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('the watch connection cut while the API server stays up: changes made meanwhile are caught up', async () => {
    const ns = await env.namespace('cut');
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await create(ns, { name: 'a', token: a });
    await create(ns, { name: 'b', token: b });
    const proxy = await env.proxy();
    const server = await serve(ns, { server: `https://127.0.0.1:${proxy.port}`, watchIdleTimeoutMs: 3_000 });
    await until(server, a, { status: 200, marker: 'one' });
    proxy.cut();
    await replace(ns, { name: 'a', token: a, marker: 'during the cut' });
    await remove(ns, 'b');
    await create(ns, { name: 'c', token: c });
    // The first reconnect finds the hop silent (no TLS handshake): the idle limit gives up on it.
    await waitFor(async () => (await server.metric('kindling_source_errors_total', { kind: 'idle' })) >= 1, {
      timeoutMs: 10_000,
      what: 'a silent reconnect abandoned',
    });
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
    expect(await server.readyz()).toBe(200);
    proxy.restore();
    const restoredAt = performance.now();
    await until(server, a, { status: 200, marker: 'during the cut' }, 10_000);
    await until(server, b, { status: 403 });
    await until(server, c, { status: 200, marker: 'one' });
    console.log(
      `[envtest] caught up ${Math.round(performance.now() - restoredAt)} ms after the connection came back`,
    );
  });

  it('without RBAC permission: not ready with a clear message; ready once the Role is granted', async () => {
    const ns = await env.namespace('rbac');
    const a = randomUUID();
    await create(ns, { name: 'a', token: a });
    const server = await serve(ns, { user: 'nobody' });
    await waitFor(
      async () => (await server.metric('kindling_source_errors_total', { kind: 'forbidden' })) >= 3,
      {
        what: 'three refused lists',
      },
    );
    expect(await server.readyz()).toBe(503);
    // The token Secrets' own line (the cluster data watches beside them are refused too, each on its line).
    const lines = server.log.records().filter((r) => r.kind === 'forbidden' && r.watch === 'token secrets');
    expect(lines.map((r) => r.msg)).toEqual([
      `missing RBAC permission: cannot list secrets in namespace "${ns}"; grant get, list and watch on secrets with a Role and RoleBinding in namespace "${ns}" (API server: secrets is forbidden: User "nobody" cannot list resource "secrets" in API group "" in the namespace "${ns}")`,
    ]);
    await env.grantSecrets('nobody', ns);
    await waitFor(async () => (await server.readyz()) === 200, { what: 'ready once granted' });
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
  });

  it('records the first fetch on the Secret with a conditional merge patch', async () => {
    const ns = await env.namespace('first-fetch');
    const a = randomUUID();
    await create(ns, { name: 'a', token: a });
    const server = await serve(ns, { recordFirstFetch: true });
    await until(server, a, { status: 200, marker: 'one' });
    const annotations = async () =>
      (await env.core.readNamespacedSecret({ namespace: ns, name: 'a' })).metadata?.annotations ?? {};
    await waitFor(async () => (await annotations())['kindling.dev/first-fetch-at'], { what: 'the record' });
    expect(await annotations()).toMatchObject({
      'kindling.dev/first-fetch-from': '127.0.0.1',
      'kindling.dev/first-fetch-token': fingerprint(hashToken(a)),
    });
    expect(await server.metric('kindling_first_fetch_writes_total', { result: 'written' })).toBe(1);
  });

  it('a protobuf list page says what the JSON one says, with values as bytes; a refusal keeps its message', async () => {
    const namespace = await env.namespace('protobuf');
    const binary = Buffer.from([0x00, 0xff, 0x1f, 0x8b, 0x80, 0x0a]);
    await env.core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: 'binary',
          labels: { 'kindling.dev/token-secret': 'true', 'kindling.dev/pool': 'workers' },
          annotations: { 'kindling.dev/expires-at': '2030-01-01T00:00:00Z' },
        },
        type: 'kindling.dev/token',
        data: {
          payload: binary.toString('base64'),
          token: Buffer.from(randomUUID()).toString('base64'),
          empty: '',
        },
      },
    });
    await create(namespace, { name: 'ignition', pool: 'gpu', token: randomUUID() });
    const path = `/api/v1/namespaces/${namespace}/secrets?labelSelector=kindling.dev%2Ftoken-secret%3Dtrue`;
    const signal = AbortSignal.timeout(10_000);
    const admin = env.kubeConfig('admin');
    const protobuf = await getApiPage(admin, path, signal, { accept: PROTOBUF_MEDIA_TYPE });
    expect(protobuf.contentType).toBe(PROTOBUF_MEDIA_TYPE);
    const decoded = decodeSecretList(protobuf.body);
    const plain = await getApiPage(admin, path, signal);
    expect(plain.contentType).toBe('application/json');
    const json = JSON.parse(plain.body.toString()) as { items: unknown[] };
    const fromJson = json.items.map((item) => toSecretObject(item));
    expect(decoded.items.map((s) => s.metadata)).toEqual(fromJson.map((s) => s?.metadata));
    expect(decoded.items.map((s) => s.type)).toEqual(fromJson.map((s) => s?.type));
    for (const [i, item] of decoded.items.entries()) {
      const data = fromJson[i]?.data ?? {};
      expect(Object.keys(item.dataBytes ?? {}).sort()).toEqual(Object.keys(data).sort());
      for (const [key, value] of Object.entries(data))
        expect(Buffer.from(item.dataBytes?.[key] ?? [])).toEqual(Buffer.from(value, 'base64'));
    }
    expect(decoded.items[0] && readSecretData(decoded.items[0], 'payload')).toEqual(binary);

    // A refusal in protobuf still reaches describeApiFailure with the API server's own words.
    const refused = await getApiPage(env.kubeConfig('nobody'), path, signal, {
      accept: PROTOBUF_MEDIA_TYPE,
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiStatusError);
    expect(JSON.parse((refused as ApiStatusError).body)).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(describeApiFailure(refused, { verb: 'list', namespace }).message).toMatch(
      /cannot list resource "secrets"/,
    );
  });
});
