import { describe, expect, it } from 'vitest';
import { discoverEvictionVersion } from '../../src/nodes/discoverEvictionVersion.ts';
import { drainNode, type DrainProgress } from '../../src/nodes/drainNode.ts';
import { fakeClock } from './fakeClock.ts';
import { startFakeKubeApi, status } from './fakeKubeApi.ts';

const PDB_CAUSE = 'The disruption budget web needs 2 healthy pods and has 2 currently';
const refusedByBudget = () =>
  status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", [
    PDB_CAUSE,
  ]);

describe('discoverEvictionVersion', () => {
  it('takes the version the pods/eviction subresource names: policy/v1 or policy/v1beta1', async () => {
    expect(await discoverEvictionVersion(startFakeKubeApi({ evictionVersion: 'v1' }))).toBe('policy/v1');
    expect(await discoverEvictionVersion(startFakeKubeApi({ evictionVersion: 'v1beta1' }))).toBe(
      'policy/v1beta1',
    );
  });

  it('asks the policy group when the subresource names no version', async () => {
    const api = startFakeKubeApi({ evictionVersion: 'unnamed' });
    expect(await discoverEvictionVersion(api)).toBe('policy/v1');
    expect(api.requests.map((r) => r.path)).toEqual(['/api/v1', '/apis/policy']);
  });
});

describe('drainNode (policy/v1, against a fake API server)', () => {
  it('evicts with a policy/v1 Eviction bound to the uid, and leaves DaemonSet and mirror pods', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.addPod({
      name: 'agent',
      metadata: {
        name: 'agent',
        namespace: 'default',
        ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }],
      },
    });
    api.addPod({
      name: 'etcd',
      namespace: 'kube-system',
      metadata: {
        name: 'etcd',
        namespace: 'kube-system',
        annotations: { 'kubernetes.io/config.mirror': 'x' },
      },
    });
    // The evicted pod terminates until "the kubelet" removes it.
    const clock = fakeClock({ onSleep: api.finishTerminating });
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'removal',
      timeoutMs: 60_000,
      ...clock,
    });
    expect(result).toMatchObject({
      done: true,
      evicted: ['default/web-1'],
      deleted: [],
      pending: [],
      stayed: [
        { pod: 'default/agent', why: 'daemonset' },
        { pod: 'kube-system/etcd', why: 'mirror' },
      ],
    });
    const eviction = api.requests.find((r) => r.path.endsWith('/eviction'));
    expect(eviction).toMatchObject({
      method: 'POST',
      path: '/api/v1/namespaces/default/pods/web-1/eviction',
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: 'web-1', namespace: 'default' },
        deleteOptions: { preconditions: { uid: 'uid-web-1' } },
      },
    });
  });

  it('for maintenance, leaves a pod that tolerates the maintenance taint for good, not one with a time limit', async () => {
    const api = startFakeKubeApi();
    api.addPod({
      name: 'stays',
      spec: { tolerations: [{ key: 'kindling.dev/maintenance', operator: 'Exists' }] },
    });
    api.addPod({ name: 'all', spec: { tolerations: [{ operator: 'Exists' }] } });
    api.addPod({
      name: 'leaves',
      spec: { tolerations: [{ key: 'kindling.dev/maintenance', operator: 'Exists', tolerationSeconds: 60 }] },
    });
    api.addPod({
      name: 'wrong-effect',
      spec: { tolerations: [{ key: 'kindling.dev/maintenance', effect: 'NoSchedule', operator: 'Exists' }] },
    });
    const clock = fakeClock({ onSleep: api.finishTerminating });
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'maintenance',
      timeoutMs: 60_000,
      ...clock,
    });
    expect(result.evicted.sort()).toEqual(['default/leaves', 'default/wrong-effect']);
    expect(result.stayed.map((s) => s.why)).toEqual(['tolerates-maintenance', 'tolerates-maintenance']);
  });

  it('retries an eviction a budget refuses every retry interval, shows why, and succeeds once it allows', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    let refusals = 3;
    api.evict = () => (refusals-- > 0 ? refusedByBudget() : { status: 201, body: {} });
    const clock = fakeClock({ onSleep: api.finishTerminating });
    const progress: DrainProgress[] = [];
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'removal',
      timeoutMs: 600_000,
      ...clock,
      onProgress: (p) => progress.push(structuredClone(p)),
    });
    expect(result.done).toBe(true);
    expect(result.evicted).toEqual(['default/web-1']);
    expect(progress[0]?.pending).toEqual([{ pod: 'default/web-1', state: 'refused', why: PDB_CAUSE }]);
    const attempts = api.requests.filter((r) => r.path.endsWith('/eviction'));
    expect(attempts).toHaveLength(4);
    // Listed every second, asked again no sooner than every 5 s.
    expect(clock.sleeps.every((ms) => ms === 1_000)).toBe(true);
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(15);
  });

  it('stops at the timeout with what is still there and why, and deletes nothing without force', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.addPod({ name: 'slow', spec: { terminationGracePeriodSeconds: 3600 } });
    api.evict = (pod) => (pod.metadata.name === 'web-1' ? refusedByBudget() : { status: 201, body: {} });
    const clock = fakeClock();
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'removal',
      timeoutMs: 30_000,
      ...clock,
    });
    expect(result.done).toBe(false);
    expect(result.elapsedMs).toBe(30_000);
    expect(result.pending).toEqual([
      { pod: 'default/web-1', state: 'refused', why: PDB_CAUSE },
      { pod: 'default/slow', state: 'terminating', why: expect.stringMatching(/grace period 3600s/) },
    ]);
    expect(api.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('with force, deletes at the timeout what eviction could not move, and only that', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.addPod({ name: 'web-2' });
    api.evict = (pod) => (pod.metadata.name === 'web-1' ? refusedByBudget() : { status: 201, body: {} });
    const clock = fakeClock();
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'removal',
      timeoutMs: 30_000,
      force: true,
      ...clock,
    });
    expect(result).toMatchObject({ done: true, evicted: ['default/web-2'], deleted: ['default/web-1'] });
    const deletes = api.requests.filter((r) => r.method === 'DELETE');
    expect(deletes).toEqual([
      expect.objectContaining({
        path: '/api/v1/namespaces/default/pods/web-1',
        body: { preconditions: { uid: 'uid-web-1' } },
      }),
    ]);
    // Never before the timeout.
    expect(clock.now() - 1_000_000).toBeGreaterThanOrEqual(30_000);
  });

  it('treats a pod that vanished, or was replaced under its name, as gone', async () => {
    const api = startFakeKubeApi();
    const pod = api.addPod({ name: 'web-1' });
    api.evict = () => {
      api.pods.delete('default/web-1');
      return status(409, 'Conflict', 'Precondition failed: UID in precondition: uid-web-1');
    };
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'removal',
      timeoutMs: 5_000,
      ...fakeClock(),
    });
    expect(result).toMatchObject({ done: true, evicted: [], pending: [] });
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
  });

  it('stops at once on a refusal that is no decision about the pod (RBAC), naming it', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.evict = () =>
      status(
        403,
        'Forbidden',
        'pods "web-1" is forbidden: User "ops" cannot create resource "pods/eviction"',
      );
    await expect(
      drainNode({ api, nodeName: 'node-a', purpose: 'removal', timeoutMs: 60_000, ...fakeClock() }),
    ).rejects.toThrow(
      /evict pod default\/web-1: HTTP 403: .*cannot create resource "pods\/eviction" \(missing RBAC/,
    );
  });

  it('takes a budget that cannot be honoured (several budgets for one pod) as a refusal to report', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.evict = () =>
      status(
        500,
        'InternalError',
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      );
    const result = await drainNode({
      api,
      nodeName: 'node-a',
      purpose: 'removal',
      timeoutMs: 0,
      ...fakeClock(),
    });
    expect(result.pending).toEqual([
      {
        pod: 'default/web-1',
        state: 'refused',
        why: expect.stringMatching(/more than one PodDisruptionBudget/),
      },
    ]);
  });
});
