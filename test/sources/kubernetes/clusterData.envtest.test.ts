import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeEnvtest, startEnvtest, type Envtest } from '../../support/envtest.ts';
import { ignitionConfig, tokenSecret } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn } from './startKindlingOn.ts';
import {
  bootstrapToken,
  clusterInfo,
  getIgnition,
  goldenWorkerIgnition,
  rotatedBootstrapToken,
  sha256,
  templateSecret,
} from './templateFixtures.ts';

// Templates' cluster data and render status against a real kube-apiserver 1.20 + etcd, with the objects of
// fixtures/templates/cluster/ created in kube-public and kube-system.

const STATUS = 'kindling.dev/render-status';
const HASH = 'kindling.dev/config-hash';
const TOKEN_GONE =
  'failed: render-cluster-data: bootstrapToken: not supplied from the Secret bootstrap-token-abcdef';

describeEnvtest('cluster data and render status (real kube-apiserver)', () => {
  let env: Envtest;
  const servers: KindlingOn[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
    await env.core.createNamespacedConfigMap({
      namespace: 'kube-public',
      body: clusterInfo() as V1ConfigMap,
    });
    await createBootstrapToken();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  afterAll(() => env?.stop());

  const createBootstrapToken = () =>
    env.core.createNamespacedSecret({ namespace: 'kube-system', body: bootstrapToken() as V1Secret });
  const create = (secret: ReturnType<typeof tokenSecret>) =>
    env.core.createNamespacedSecret({ namespace: secret.metadata.namespace ?? '', body: secret as V1Secret });
  const annotations = async (namespace: string) =>
    (await env.core.readNamespacedSecret({ namespace, name: 'token-workers' })).metadata?.annotations ?? {};
  const statusIs = (namespace: string, expected: string) =>
    waitFor(async () => (await annotations(namespace))[STATUS] === expected, {
      what: `render status ${expected}`,
    });

  async function serve(namespace: string, user: 'admin' | 'nobody' = 'admin') {
    const server = await startKindlingOn(env.kubeConfig(user), {
      namespace,
      recordFirstFetch: false,
      // Ready then means "rendered" even on a loaded machine (the default waits 2 s at most).
      clusterDataWaitMs: 30_000,
    });
    servers.push(server);
    await waitFor(async () => (await server.readyz()) === 200, { what: 'ready' });
    return server;
  }

  it('renders from cluster-info and a bootstrap token; follows the token Secret; annotates the Secret', async () => {
    const ns = await env.namespace('templates');
    const token = randomUUID();
    await create(templateSecret({ namespace: ns, token }));
    const server = await serve(ns);
    const first = await getIgnition(server.kindling.url, token);
    expect(first).toMatchObject({ status: 200, body: goldenWorkerIgnition() });
    await statusIs(ns, 'ok');
    expect((await annotations(ns))[HASH]).toBe(sha256(first.body));

    await env.core.replaceNamespacedSecret({
      namespace: 'kube-system',
      name: 'bootstrap-token-abcdef',
      body: rotatedBootstrapToken() as V1Secret,
    });
    const rotated = await waitFor(
      async () => {
        const answer = await getIgnition(server.kindling.url, token);
        return answer.body.includes('abcdef.fedcba9876543210') ? answer : undefined;
      },
      { what: 'the rotated token served' },
    );
    expect(rotated.etag).not.toBe(first.etag);
    await waitFor(async () => (await annotations(ns))[HASH] === sha256(rotated.body), {
      what: 'the new config hash',
    });

    await env.core.deleteNamespacedSecret({ namespace: 'kube-system', name: 'bootstrap-token-abcdef' });
    await waitFor(async () => (await getIgnition(server.kindling.url, token)).status === 503, {
      what: '503 without the bootstrap token Secret',
    });
    await statusIs(ns, TOKEN_GONE);
    expect((await annotations(ns))[HASH]).toBeUndefined();

    await createBootstrapToken();
    await statusIs(ns, 'ok');
    expect((await getIgnition(server.kindling.url, token)).body).toBe(goldenWorkerIgnition());
  });

  it('without RBAC in kube-system: one log line; token Secrets still serve; templates answer 503, saying why', async () => {
    const ns = await env.namespace('no-kube-system');
    const [token, plain] = [randomUUID(), randomUUID()];
    await create(templateSecret({ namespace: ns, token }));
    await create(
      tokenSecret({ name: 'plain', namespace: ns, token: plain, payload: ignitionConfig('3.4.0', 'p') }),
    );
    await env.grantSecrets('nobody', ns);
    // deploy/base's grant in kube-public: resourceNames, which a list or watch meets by its field selector.
    const rule = {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['cluster-info'],
      verbs: ['get', 'list', 'watch'],
    };
    const meta = { name: 'kindling-cluster-info' };
    await env.rbac.createNamespacedRole({
      namespace: 'kube-public',
      body: { metadata: meta, rules: [rule] },
    });
    await env.rbac.createNamespacedRoleBinding({
      namespace: 'kube-public',
      body: {
        metadata: meta,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: meta.name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'nobody' }],
      },
    });

    const server = await serve(ns, 'nobody');
    expect(await server.ignition(plain)).toEqual({ status: 200, marker: 'p' });
    expect((await getIgnition(server.kindling.url, token)).status).toBe(503);
    await statusIs(ns, TOKEN_GONE);
    await waitFor(
      async () => (await server.metric('kindling_source_errors_total', { kind: 'forbidden' })) >= 3,
      { what: 'three refused lists' },
    );
    expect(server.log.records().filter((r) => r.kind === 'forbidden')).toEqual([
      expect.objectContaining({
        watch: 'bootstrap-token secrets',
        msg: expect.stringMatching(
          /^missing RBAC permission: cannot list secrets in namespace "kube-system"; grant get, list and watch on secrets with a Role and RoleBinding in namespace "kube-system" \(API server: secrets is forbidden: User "nobody" cannot list resource "secrets"/,
        ),
      }),
    ]);
    expect(server.log.records().some((r) => r.msg === 'cluster-info listed' && r.count === 1)).toBe(true);
  });
});
