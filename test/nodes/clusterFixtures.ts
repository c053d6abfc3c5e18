import type { KubeApi } from '../../src/kube/KubeApi.ts';
import { expectOk } from '../../src/kube/KubeApiError.ts';
import type { NodeObject, PodObject, Taint, Toleration } from '../../src/nodes/KubeObjects.ts';
import { listPodsOnNode } from '../../src/nodes/listPodsOnNode.ts';

/*
 * Objects on an API server with no controller-manager, scheduler or kubelet (envtest): nodes and pods are
 * created directly, bound with spec.nodeName, and made Running by writing their status; budgets get the
 * status their controller would compute; a fake kubelet finishes what is terminating.
 */

export async function createNode(
  api: KubeApi,
  name: string,
  { labels, taints }: { labels?: Record<string, string>; taints?: Taint[] } = {},
): Promise<NodeObject> {
  const response = await api.request({
    method: 'POST',
    path: '/api/v1/nodes',
    body: { metadata: { name, ...(labels ? { labels } : {}) }, spec: taints ? { taints } : {} },
  });
  return expectOk(response, `create node ${name}`).body as NodeObject;
}

export async function getNodeObject(api: KubeApi, name: string): Promise<NodeObject | undefined> {
  const response = await api.request({ method: 'GET', path: `/api/v1/nodes/${name}` });
  return response.status === 404 ? undefined : (expectOk(response, 'get node').body as NodeObject);
}

/** A namespace's `default` ServiceAccount, which no controller creates here and pod admission needs. */
export async function prepareNamespace(api: KubeApi, namespace: string): Promise<void> {
  const response = await api.request({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts`,
    body: { metadata: { name: 'default' } },
  });
  expectOk(response, 'create the default service account');
}

export interface PodInit {
  nodeName: string;
  labels?: Record<string, string>;
  daemonSet?: boolean;
  mirror?: boolean;
  tolerations?: Toleration[];
}

/** A Running pod bound to `nodeName`: Running, so that its disruption budget counts it. */
export async function createPod(
  api: KubeApi,
  namespace: string,
  name: string,
  init: PodInit,
): Promise<PodObject> {
  const { nodeName, labels, daemonSet = false, mirror = false, tolerations } = init;
  const metadata = {
    name,
    ...(labels ? { labels } : {}),
    ...(mirror ? { annotations: { 'kubernetes.io/config.mirror': 'static-hash' } } : {}),
    ...(daemonSet
      ? {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'DaemonSet',
              name: 'agent',
              uid: '3c2a6c4e-0000-4000-8000-000000000001',
              controller: true,
            },
          ],
        }
      : {}),
  };
  const created = await api.request({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/pods`,
    body: {
      metadata,
      spec: {
        nodeName,
        automountServiceAccountToken: false,
        containers: [{ name: 'main', image: 'registry.example/app:1' }],
        ...(tolerations ? { tolerations } : {}),
      },
    },
  });
  expectOk(created, `create pod ${name}`);
  const running = await api.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${namespace}/pods/${name}/status`,
    contentType: 'application/merge-patch+json',
    body: { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
  });
  return expectOk(running, `start pod ${name}`).body as PodObject;
}

export async function podExists(api: KubeApi, namespace: string, name: string): Promise<boolean> {
  const response = await api.request({ method: 'GET', path: `/api/v1/namespaces/${namespace}/pods/${name}` });
  return response.status !== 404;
}

const pdbPath = (namespace: string) => `/apis/policy/v1beta1/namespaces/${namespace}/poddisruptionbudgets`;

/** A policy/v1beta1 budget (all 1.20 has), with the status its controller would write: `allowed` evictions. */
export async function createBudget(
  api: KubeApi,
  namespace: string,
  name: string,
  matchLabels: Record<string, string>,
  allowed: number,
): Promise<void> {
  const created = await api.request({
    method: 'POST',
    path: pdbPath(namespace),
    body: { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels } } },
  });
  const { generation } = (
    expectOk(created, `create budget ${name}`).body as { metadata: { generation: number } }
  ).metadata;
  await setBudgetAllowed(api, namespace, name, allowed, generation);
}

/** What the disruption controller would compute; the API server's eviction reads exactly this. */
export async function setBudgetAllowed(
  api: KubeApi,
  namespace: string,
  name: string,
  allowed: number,
  observedGeneration = 1,
): Promise<void> {
  const response = await api.request({
    method: 'PATCH',
    path: `${pdbPath(namespace)}/${name}/status`,
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        observedGeneration,
        disruptionsAllowed: allowed,
        currentHealthy: 1 + allowed,
        desiredHealthy: 1,
        expectedPods: 1 + allowed,
      },
    },
  });
  expectOk(response, `set the status of budget ${name}`);
}

/** Removes the node's terminating pods shortly after they start terminating, as a kubelet would. */
export function startFakeKubelet(api: KubeApi, nodeName: string, intervalMs = 100): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const pod of await listPodsOnNode(api, nodeName)) {
        if (pod.metadata.deletionTimestamp === undefined) continue;
        await api.request({
          method: 'DELETE',
          path: `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`,
          body: { gracePeriodSeconds: 0 },
        });
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
