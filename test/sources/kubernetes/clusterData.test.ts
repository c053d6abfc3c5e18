import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';
import { ignitionConfig, tokenSecret } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn, type KindlingOnOptions } from './startKindlingOn.ts';
import {
  bootstrapToken,
  clusterInfo,
  controlPlaneTemplate,
  getIgnition,
  goldenWorkerIgnition,
  rotatedBootstrapToken,
  templateSecret,
} from './templateFixtures.ts';

// The cluster data templates read, from the fake API server: what is watched and how, what waits for what.

let api: FakeApiServer;
const servers: KindlingOn[] = [];
beforeEach(async () => {
  api = await startFakeApiServer();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await api.close();
});

async function serve(options: Partial<KindlingOnOptions> & { user?: string } = {}) {
  const { user = 'admin', ...rest } = options;
  const server = await startKindlingOn(api.kubeConfig(user), {
    namespace: 'ns',
    recordFirstFetch: false,
    recordStatus: false,
    ...rest,
  });
  servers.push(server);
  return server;
}

const ready = (server: KindlingOn) =>
  waitFor(async () => (await server.readyz()) === 200, { what: 'ready', timeoutMs: 5_000 });
const lists = (path: string) =>
  api.requests.filter((r) => r.path === path && r.query.get('watch') !== 'true').map((r) => r.query);
const renderFailures = (server: KindlingOn) =>
  server.log
    .records()
    .filter((r) => r.msg === 'template cannot be rendered; its tokens answer 503 until it can');

describe('cluster data (fake API server)', () => {
  it('lists cluster-info and the bootstrap tokens by field selector, before the token Secrets apply, and follows them', async () => {
    const token = randomUUID();
    api.put(clusterInfo());
    api.put(bootstrapToken());
    api.put(templateSecret({ namespace: 'ns', token }));
    // A bound no loaded test machine reaches: what is shown is the order, not the bound.
    const server = await serve({ clusterDataWaitMs: 30_000 });
    await ready(server);
    // Ready means the token Secrets are applied, and the cluster data was there first: no 503 at all.
    const first = await getIgnition(server.kindling.url, token);
    expect(first).toMatchObject({ status: 200, body: goldenWorkerIgnition() });
    expect(renderFailures(server)).toEqual([]);
    expect(lists('/api/v1/namespaces/kube-public/configmaps').map((q) => q.get('fieldSelector'))).toEqual([
      'metadata.name=cluster-info',
    ]);
    expect(lists('/api/v1/namespaces/kube-system/secrets').map((q) => q.get('fieldSelector'))).toEqual([
      'type=bootstrap.kubernetes.io/token',
    ]);

    api.put(rotatedBootstrapToken());
    const rotated = await waitFor(
      async () => {
        const answer = await getIgnition(server.kindling.url, token);
        return answer.body.includes('abcdef.fedcba9876543210') ? answer : undefined;
      },
      { what: 'the rotated bootstrap token served' },
    );
    expect(rotated.etag).not.toBe(first.etag);
    api.remove('kube-system', 'bootstrap-token-abcdef');
    await waitFor(async () => (await getIgnition(server.kindling.url, token)).status === 503, {
      what: '503 once the bootstrap token Secret is gone',
    });
  });

  it('watches a certificate key Secret by name for as long as a template names it', async () => {
    const token = randomUUID();
    const key = (hex: string) => ({
      kind: 'Secret',
      metadata: { name: 'kindling-control-plane', namespace: 'kube-system' },
      stringData: { 'certificate-key': hex.repeat(64) },
    });
    api.put(clusterInfo());
    api.put(key('a'));
    api.put(tokenSecret({ name: 'other', namespace: 'kube-system' })); // never watched
    api.put(templateSecret({ namespace: 'ns', token, template: controlPlaneTemplate() }));
    const server = await serve();
    await ready(server);
    expect((await getIgnition(server.kindling.url, token)).body).toContain('a'.repeat(64));
    const byName = 'metadata.name=kindling-control-plane';
    expect(lists('/api/v1/namespaces/kube-system/secrets').map((q) => q.get('fieldSelector'))).toContain(
      byName,
    );
    // Beside the token Secrets', cluster-info's, the bootstrap tokens', the machine-token keys' and revocations'.
    await waitFor(() => api.openWatches() === 6, { what: 'the per-name watch beside the other five' });

    api.put(key('b'));
    await waitFor(async () => (await getIgnition(server.kindling.url, token)).body.includes('b'.repeat(64)), {
      what: 'the new certificate key served',
    });
    api.put(templateSecret({ namespace: 'ns', token }));
    await waitFor(() => api.openWatches() === 5, { what: 'the per-name watch closed' });
  });

  it('waits for the cluster data at most the bound: a stalled cluster-info list delays readiness, no more', async () => {
    const [token, plain] = [randomUUID(), randomUUID()];
    api.put(clusterInfo());
    api.put(bootstrapToken());
    api.put(templateSecret({ namespace: 'ns', token }));
    api.put(
      tokenSecret({ name: 'plain', namespace: 'ns', token: plain, payload: ignitionConfig('3.4.0', 'p') }),
    );
    api.stall(['list'], 'kube-public');
    const startedAt = Date.now();
    const server = await serve({ clusterDataWaitMs: 500 });
    await ready(server);
    // A timer may fire a millisecond early by the wall clock.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(490);
    expect((await server.ignition(plain)).status).toBe(200);
    // cluster-info never came: the template is not served yet.
    expect((await getIgnition(server.kindling.url, token)).status).toBe(503);
  });

  it('without RBAC in kube-system: one line naming verb, resource and namespace; token Secrets still load', async () => {
    const [token, plain] = [randomUUID(), randomUUID()];
    api.put(clusterInfo());
    api.put(bootstrapToken());
    api.put(templateSecret({ namespace: 'ns', token }));
    api.put(
      tokenSecret({ name: 'plain', namespace: 'ns', token: plain, payload: ignitionConfig('3.4.0', 'p') }),
    );
    api.grant('kindling', ['list', 'watch', 'get', 'patch'], 'ns');
    api.grant('kindling', ['list', 'watch'], 'kube-public', 'configmaps');
    const server = await serve({ user: 'kindling' });
    await ready(server);
    expect(await server.ignition(plain)).toEqual({ status: 200, marker: 'p' });
    expect((await getIgnition(server.kindling.url, token)).status).toBe(503);
    await waitFor(
      async () => (await server.metric('kindling_source_errors_total', { kind: 'forbidden' })) >= 3,
      { what: 'three refused lists' },
    );
    expect(server.log.records().filter((r) => r.kind === 'forbidden')).toEqual([
      expect.objectContaining({
        level: 'warn',
        watch: 'bootstrap-token secrets',
        namespace: 'kube-system',
        msg: 'missing RBAC permission: cannot list secrets in namespace "kube-system"; grant get, list and watch on secrets with a Role and RoleBinding in namespace "kube-system" (API server: secrets is forbidden: User "kindling" cannot list resource "secrets" in API group "" in the namespace "kube-system")',
      }),
    ]);
    api.grant('kindling', ['list', 'watch'], 'kube-system');
    await waitFor(async () => (await getIgnition(server.kindling.url, token)).status === 200, {
      what: 'the template served once granted',
    });
  });
});
