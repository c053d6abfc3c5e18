import type { KubeApi, KubeRequest, KubeResponse } from '../../src/kube/KubeApi.ts';
import type { NodeObject, PodObject } from '../../src/nodes/KubeObjects.ts';

/**
 * Just enough of an API server for node operations, in memory: nodes (GET, merge PATCH with the
 * resourceVersion precondition, DELETE), pods on a node (list by spec.nodeName, eviction, DELETE), and
 * discovery. `evict` decides each eviction, as the PodDisruptionBudget check of a real server would.
 */
export interface FakeKubeApi extends KubeApi {
  nodes: Map<string, NodeObject>;
  pods: Map<string, PodObject>;
  requests: KubeRequest[];
  /** 201 by default: the pod gets a deletionTimestamp (a kubelet would then remove it). */
  evict: (pod: PodObject, body: unknown) => KubeResponse;
  addPod(pod: Partial<PodObject> & { name: string; namespace?: string }): PodObject;
  /** What a kubelet does with terminating pods: removes them. */
  finishTerminating(): void;
}

export function startFakeKubeApi({
  evictionVersion = 'v1',
  nodes = ['node-a'],
}: { evictionVersion?: 'v1' | 'v1beta1' | 'unnamed'; nodes?: string[] } = {}): FakeKubeApi {
  let version = 100;
  const api: FakeKubeApi = {
    nodes: new Map(nodes.map((name) => [name, { metadata: { name, resourceVersion: String(version) } }])),
    pods: new Map(),
    requests: [],
    evict: () => ({ status: 201, body: { kind: 'Status', status: 'Success' } }),
    addPod({ name, namespace = 'default', ...rest }) {
      const pod: PodObject = {
        metadata: { name, namespace, uid: `uid-${name}`, ...rest.metadata },
        spec: { nodeName: 'node-a', ...rest.spec },
      };
      api.pods.set(`${namespace}/${name}`, pod);
      return pod;
    },
    finishTerminating() {
      for (const [key, pod] of api.pods) if (pod.metadata.deletionTimestamp) api.pods.delete(key);
    },
    async request(request) {
      api.requests.push(structuredClone(request));
      return structuredClone(answer(request));
    },
  };

  function answer({ method, path, query, body }: KubeRequest): KubeResponse {
    if (method === 'GET' && path === '/api/v1') {
      const eviction =
        evictionVersion === 'unnamed'
          ? { name: 'pods/eviction' }
          : { name: 'pods/eviction', group: 'policy', version: evictionVersion };
      return ok({ resources: [{ name: 'pods' }, eviction] });
    }
    if (method === 'GET' && path === '/apis/policy') return ok({ versions: [{ version: 'v1' }] });
    // No token Secrets and no reports (a GET of one is the 404 below).
    if (method === 'GET' && /^\/api\/v1\/namespaces\/[^/]+\/secrets$/.test(path)) return ok({ items: [] });
    const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path)?.[1];
    if (node !== undefined) return nodeAnswer(method, decodeURIComponent(node), body);
    if (method === 'GET' && path === '/api/v1/pods') {
      const nodeName = query?.fieldSelector?.replace('spec.nodeName=', '');
      return ok({
        items: [...api.pods.values()].filter((pod) => pod.spec?.nodeName === nodeName),
        metadata: {},
      });
    }
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/eviction)?$/.exec(path);
    if (pod !== null) {
      const key = `${pod[1]}/${pod[2]}`;
      const found = api.pods.get(key);
      if (found === undefined) return status(404, 'NotFound', `pods "${pod[2]}" not found`);
      if (method === 'POST' && pod[3] !== undefined) {
        const response = api.evict(found, body);
        if (response.status === 201) found.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
        return response;
      }
      if (method === 'DELETE') {
        found.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
        return ok(found);
      }
    }
    return status(404, 'NotFound', `no fake for ${method} ${path}`);
  }

  function nodeAnswer(method: string, name: string, body: unknown): KubeResponse {
    const node = api.nodes.get(name);
    if (node === undefined) return status(404, 'NotFound', `nodes "${name}" not found`);
    if (method === 'GET') return ok(node);
    if (method === 'DELETE') {
      api.nodes.delete(name);
      return ok({ kind: 'Status', status: 'Success' });
    }
    if (method === 'PATCH') {
      const patch = body as { metadata?: { resourceVersion?: string } };
      if (
        patch.metadata?.resourceVersion !== undefined &&
        patch.metadata.resourceVersion !== node.metadata.resourceVersion
      ) {
        return status(409, 'Conflict', 'the object has been modified');
      }
      const next = mergePatch(node, patch) as NodeObject;
      next.metadata.resourceVersion = String(++version);
      api.nodes.set(name, next);
      return ok(next);
    }
    return status(405, 'MethodNotAllowed', method);
  }
  return api;
}

export function status(code: number, reason: string, message: string, causes: string[] = []): KubeResponse {
  return {
    status: code,
    body: {
      kind: 'Status',
      status: 'Failure',
      reason,
      message,
      code,
      ...(causes.length > 0 ? { details: { causes: causes.map((text) => ({ message: text })) } } : {}),
    },
  };
}

const ok = (body: unknown): KubeResponse => ({ status: 200, body });

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
