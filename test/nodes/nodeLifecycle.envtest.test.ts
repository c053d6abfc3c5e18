import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { createMachineTokenRevoker } from '../../src/cli/node/createMachineTokenRevoker.ts';
import { encodeRecord } from '../../src/tokens/machineRecordsFormat.ts';
import { createClusterApi } from '../../src/cli/token/kube/createClusterApi.ts';
import { readRevocations } from '../../src/cli/token/machines/revocationList.ts';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/AppEnv.ts';
import { createAdvertiseRoutes } from '../../src/http/advertise/createAdvertiseRoutes.ts';
import type { Authentication } from '../../src/http/auth/createAuthenticator.ts';
import { createErrorAnswers } from '../../src/http/errors/createErrorAnswers.ts';
import { createKubernetesReportStore } from '../../src/machines/createKubernetesReportStore.ts';
import type { MachineReport } from '../../src/machines/MachineReport.ts';
import { createKubeApi } from '../../src/kube/createKubeApi.ts';
import type { KubeApi } from '../../src/kube/KubeApi.ts';
import type { TokenSecret } from '../../src/tokens/TokenSecret.ts';
import { sampleFacts } from '../machines/sampleFacts.ts';
import { startKindlingOn, type KindlingOn } from '../sources/kubernetes/startKindlingOn.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../support/envtest.ts';
import { tokenSecret } from '../support/tokenSecret.ts';
import { waitFor } from '../support/waitFor.ts';
import {
  createBudget,
  createNode,
  createPod,
  getNodeObject,
  podExists,
  prepareNamespace,
  setBudgetAllowed,
  startFakeKubelet,
} from './clusterFixtures.ts';
import { runCli } from './runCli.ts';

// Boot → advertise → maintenance → removal against a real kube-apiserver 1.20 (policy/v1beta1 only), as
// README "Node lifecycle" shows it. No scheduler or kubelet: pods are bound by spec.nodeName, a fake kubelet
// finishes terminating pods, and budgets get the status their controller would write.

describeEnvtest('node lifecycle (real kube-apiserver 1.20)', () => {
  let env: Envtest;
  let api: KubeApi;
  let ns: string;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
    api = createKubeApi({ kubeConfig: env.kubeConfig() });
    ns = await env.namespace('kindling');
    await prepareNamespace(api, ns);
  });
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });
  afterAll(() => env?.stop());

  const kubelet = (nodeName: string) => stops.push(startFakeKubelet(api, nodeName).stop);
  const cli = (...args: string[]) => runCli([...args, '--namespace', ns], api);
  const cliNoNamespace = (...args: string[]) => runCli(args, api);

  /** The /advertise route on the Kubernetes report store, authenticating every token as one of `pool`. */
  function advertiseApp(pool = 'workers') {
    const secret = { pool, key: `${ns}/token-${pool}` } as TokenSecret;
    const authenticate = (): Authentication => ({
      ok: true,
      found: { ok: true, secret, role: 'current' } as Extract<Authentication, { ok: true }>['found'],
      tokenHash: 'a'.repeat(64),
      tokenFingerprint: 'aaaaaaaa',
    });
    const app = new Hono<AppEnv>();
    app.route(
      '/',
      createAdvertiseRoutes({
        authenticate,
        errors: createErrorAnswers({ retryAfterSeconds: 5 }),
        reports: createKubernetesReportStore({ api, namespace: ns }),
        remoteAddress: () => '192.0.2.7',
      }),
    );
    return (body: unknown) =>
      app.request('/advertise', {
        method: 'POST',
        headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
  }

  it('advertise: stores a report per machine in a ConfigMap labelled with its pool, replaces it, lists it', async () => {
    const advertise = advertiseApp('gpu');
    expect((await advertise(sampleFacts({ hostname: 'Adv-1', cpu: { count: 8 } }))).status).toBe(200);
    const replaced = await advertise(sampleFacts({ hostname: 'adv-1', cpu: { count: 16 } }));
    expect(await replaced.json()).toMatchObject({ machine: 'adv-1', identity: 'reported' });

    const configMap = await api.request({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps/machine-adv-1`,
    });
    expect(configMap.body).toMatchObject({
      metadata: { labels: { 'kindling.dev/machine-report': 'true', 'kindling.dev/pool': 'gpu' } },
    });
    const listed = await cli('machines', 'list', '-o', 'json');
    expect(listed.code).toBe(0);
    const reports = JSON.parse(listed.stdout) as MachineReport[];
    expect(reports.map((r) => [r.machine, r.pool, r.facts.cpu?.count])).toEqual([['adv-1', 'gpu', 16]]);
    const table = await cli('machines', 'list');
    expect(table.stdout).toMatch(/^MACHINE +POOL +NAMED BY +ARCH +CPUS/);
    expect(table.stdout).toMatch(/\nadv-1 +gpu +machine +x86_64 +16 +502\.9Gi +8x GA100 \[A100 SXM4 80GB\]/);

    // Facts become labels once a Node of that name exists.
    expect((await cli('machines', 'label', '--label-facts', 'gpu.count,arch')).stdout).toBe(
      'adv-1: no Node yet; skipped\n',
    );
    await createNode(api, 'adv-1');
    const labelled = await cli('machines', 'label', 'adv-1', '--label-facts', 'gpu.count,arch,gpu.model');
    expect(labelled).toMatchObject({ code: 0, stderr: '' });
    expect((await getNodeObject(api, 'adv-1'))?.metadata.labels).toMatchObject({
      'facts.kindling.dev/gpu.count': '8',
      'facts.kindling.dev/arch': 'amd64',
      'facts.kindling.dev/gpu.model': 'GA100-A100-SXM4-80GB',
    });
  });

  it('maintenance on/off changes exactly the taint and the cordon (and the reason), and both are idempotent', async () => {
    const other = { key: 'example.com/dedicated', value: 'ml', effect: 'NoSchedule' as const };
    await createNode(api, 'maint-1', { labels: { zone: 'a' }, taints: [other] });
    // As stored (admission adds node.kubernetes.io/not-ready), before anything of ours.
    const before = await getNodeObject(api, 'maint-1');
    const notReady = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
    expect(before?.spec?.taints).toEqual([other, notReady]);
    kubelet('maint-1');
    await createPod(api, ns, 'web-m', { nodeName: 'maint-1' });
    await createPod(api, ns, 'agent-m', { nodeName: 'maint-1', daemonSet: true });
    await createPod(api, ns, 'static-m', { nodeName: 'maint-1', mirror: true });
    await createPod(api, ns, 'tolerant-m', {
      nodeName: 'maint-1',
      tolerations: [{ key: 'kindling.dev/maintenance', operator: 'Exists', effect: 'NoExecute' }],
    });

    const on = await cliNoNamespace('node', 'maintenance', 'maint-1', 'on', '--reason', 'swap a DIMM');
    expect(on).toMatchObject({ code: 0 });
    expect(on.stdout).toBe(
      'maint-1: cordoned; evicted 1 pod; 3 stay (DaemonSet, mirror or tolerating); tainted kindling.dev/maintenance=drain:NoExecute\n',
    );
    expect(await podExists(api, ns, 'web-m')).toBe(false);
    for (const pod of ['agent-m', 'static-m', 'tolerant-m']) expect(await podExists(api, ns, pod)).toBe(true);
    const during = await getNodeObject(api, 'maint-1');
    expect(comparable(during)).toEqual({
      ...comparable(before),
      annotations: { 'kindling.dev/maintenance-reason': 'swap a DIMM' },
      spec: {
        unschedulable: true,
        taints: [other, notReady, { key: 'kindling.dev/maintenance', value: 'drain', effect: 'NoExecute' }],
      },
    });

    const again = await cliNoNamespace('node', 'maintenance', 'maint-1', 'on');
    expect(again.stdout).toMatch(/already cordoned; evicted 0 pods; .*already tainted/);
    expect((await getNodeObject(api, 'maint-1'))?.metadata.resourceVersion).toBe(
      during?.metadata.resourceVersion,
    );

    expect(await cliNoNamespace('node', 'maintenance', 'maint-1', 'off')).toMatchObject({
      code: 0,
      stdout: 'maint-1: maintenance taint removed, uncordoned\n',
    });
    const after = await getNodeObject(api, 'maint-1');
    expect(comparable(after)).toEqual(comparable(before));
    expect(await cliNoNamespace('node', 'maintenance', 'maint-1', 'off')).toMatchObject({
      code: 0,
      stdout: 'maint-1: not in maintenance (no taint, not cordoned): nothing to do\n',
    });
    expect((await getNodeObject(api, 'maint-1'))?.metadata.resourceVersion).toBe(
      after?.metadata.resourceVersion,
    );
  });

  it('maintenance on stops at --timeout with the pods a budget keeps, and why; the node stays cordoned, untainted', async () => {
    await createNode(api, 'maint-2');
    await createPod(api, ns, 'db-0', { nodeName: 'maint-2', labels: { app: 'db' } });
    await createBudget(api, ns, 'db', { app: 'db' }, 0);
    const started = Date.now();
    const run = await cliNoNamespace('node', 'maintenance', 'maint-2', 'on', '--timeout', '2s');
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stderr).toContain(
      `${ns}/db-0  refused: The disruption budget db needs 1 healthy pods and has 1 currently`,
    );
    expect(run.stderr).toMatch(/timed out after 2s with 1 pod still there:/);
    expect(run.stderr).toMatch(/\[ +0s\] maint-2: 0 moved, 1 to go/);
    const node = await getNodeObject(api, 'maint-2');
    expect(node?.spec?.unschedulable).toBe(true);
    expect(node?.spec?.taints?.map((taint) => taint.key)).toEqual(['node.kubernetes.io/not-ready']);
    expect(await podExists(api, ns, 'db-0')).toBe(true);
  });

  it('remove: a blocking budget is reported and times out cleanly; once it allows, evicts, deletes the Node, and the token answers 403', async () => {
    const token = '5b0c7a1e-2d4f-4e6a-8b9c-0d1e2f3a4b5c';
    const secret = tokenSecret({
      name: 'token-rm-1',
      namespace: ns,
      pool: 'edge',
      token,
      labels: { 'kindling.dev/machine': 'rm-1' },
    });
    expect(
      (await api.request({ method: 'POST', path: `/api/v1/namespaces/${ns}/secrets`, body: secret })).status,
    ).toBe(201);
    const kindling: KindlingOn = await startKindlingOn(env.kubeConfig(), {
      namespace: ns,
      recordFirstFetch: false,
    });
    stops.push(() => kindling.stop());
    await waitFor(async () => (await kindling.ignition(token)).status === 200, { what: 'the token served' });

    await createNode(api, 'rm-1');
    kubelet('rm-1');
    await createPod(api, ns, 'web-r', { nodeName: 'rm-1', labels: { app: 'web' } });
    await createPod(api, ns, 'agent-r', { nodeName: 'rm-1', daemonSet: true });
    await createBudget(api, ns, 'web', { app: 'web' }, 0);

    const blocked = await cli('node', 'remove', 'rm-1', '--timeout', '2s');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toBe('rm-1: cordoned node rm-1\n');
    expect(blocked.stderr).toContain(
      `${ns}/web-r  refused: The disruption budget web needs 1 healthy pods and has 1 currently`,
    );
    expect(blocked.stderr).toContain('it is not deleted and its token is not revoked');
    expect(await getNodeObject(api, 'rm-1')).toBeDefined();
    expect((await kindling.ignition(token)).status).toBe(200);

    await setBudgetAllowed(api, ns, 'web', 5);
    const removed = await cli('node', 'remove', 'rm-1', '--timeout', '30s');
    expect(removed).toMatchObject({ code: 0, stderr: expect.not.stringContaining('warning') });
    expect(removed.stdout.split('\n')).toEqual([
      'rm-1: node rm-1 was already cordoned',
      'rm-1: evicted 1 pod; left 1 DaemonSet or mirror pod',
      'rm-1: deleted node rm-1',
      `rm-1: deleted token Secret ${ns}/token-rm-1: kindling now refuses its token (403), so the machine's stub can never fetch a payload again`,
      '',
    ]);
    expect(await getNodeObject(api, 'rm-1')).toBeUndefined();
    expect(await podExists(api, ns, 'web-r')).toBe(false);
    await waitFor(async () => (await kindling.ignition(token)).status === 403, { what: 'the token refused' });

    // Idempotent: the node is gone, the token already revoked.
    const again = await cli('node', 'remove', 'rm-1');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('rm-1: node rm-1 does not exist (already deleted?)');
  });

  it('remove of a machine on a pool token says the token is shared and offers token rotate', async () => {
    await advertiseApp('workers')(sampleFacts({ hostname: 'pool-1' }));
    await createNode(api, 'pool-1');
    const run = await cli('node', 'remove', 'pool-1', '--timeout', '5s');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pool-1: deleted node pool-1');
    expect(run.stdout).toContain(
      "the machine boots with the token of pool workers, which the pool's other machines share",
    );
    expect(run.stdout).toContain('pool-1: deleted the machine report of pool-1');
    expect(run.stderr).toContain('kindling token rotate --pool workers');
  });

  it('remove revokes the per-machine signed tokens minted for the machine, as token revoke --machine does', async () => {
    const tokenApi = createClusterApi({ api, server: env.server });
    const jti = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const registry = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kindling.dev/machine-tokens',
      metadata: {
        name: 'kindling-machines-edge',
        labels: { 'kindling.dev/machine-tokens': 'true', 'kindling.dev/pool': 'edge' },
      },
      data: { [jti]: encodeRecord({ machine: 'jws-1', kid: 'k1', iat: exp - 7200, exp }) },
    };
    const created = await api.request({
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/secrets`,
      body: registry,
    });
    expect(created.status).toBe(201);
    await createNode(api, 'jws-1');
    const run = await runCli(['node', 'remove', 'jws-1', '--namespace', ns], api, {
      revoker: (options) => createMachineTokenRevoker({ tokenApi, now: Date.now, ...options }),
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      `jws-1: revoked 1 per-machine token of jws-1 in Secret ${ns}/kindling-revocations: kindling refuses them (403)`,
    );
    expect((await readRevocations(tokenApi, ns)).get(jti)).toMatchObject({
      pool: 'edge',
      machine: 'jws-1',
      exp,
    });
  });

  it('remove --force deletes what eviction could not move, once the timeout is reached', async () => {
    await createNode(api, 'force-1');
    kubelet('force-1');
    await createPod(api, ns, 'cache-0', { nodeName: 'force-1', labels: { app: 'cache' } });
    await createBudget(api, ns, 'cache', { app: 'cache' }, 0);
    const run = await cli('node', 'remove', 'force-1', '--timeout', '1s', '--force');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`force-1: evicted 0 pods; deleted 1 with --force (${ns}/cache-0)`);
    expect(run.stdout).toContain('force-1: deleted node force-1');
    await waitFor(async () => !(await podExists(api, ns, 'cache-0')), { what: 'the pod deleted' });
  });
});

/** What node commands may change, and what they must not (labels, other taints). */
function comparable(node: Awaited<ReturnType<typeof getNodeObject>>) {
  return { labels: node?.metadata.labels, annotations: node?.metadata.annotations, spec: node?.spec };
}
