import type { KubeApi } from '../kube/KubeApi.ts';
import { KubeApiError, readStatus } from '../kube/KubeApiError.ts';
import type { EvictionVersion } from './discoverEvictionVersion.ts';
import type { PodObject } from './KubeObjects.ts';
import { podPath, uidPrecondition } from './podPath.ts';

/**
 * `evicted`: the API server accepted it (the pod now terminates with its grace period). `gone`: the pod we
 * listed no longer exists (or was replaced by another of the same name). `refused`: a disruption budget (or
 * another rule of the Eviction API) keeps it for now; `why` is the API server's own explanation.
 */
export type EvictionOutcome = { kind: 'evicted' } | { kind: 'gone' } | { kind: 'refused'; why: string };

/**
 * Evicts through the Eviction API, which honours PodDisruptionBudgets: the API server refuses (429) an
 * eviction that would leave a budget short. Anything that is no decision about this pod (permissions, a
 * broken server) throws, so that the drain stops rather than retries it for the whole timeout.
 */
export async function evictPod(
  api: KubeApi,
  version: EvictionVersion,
  pod: PodObject,
): Promise<EvictionOutcome> {
  const { namespace, name } = pod.metadata;
  const response = await api.request({
    method: 'POST',
    path: podPath(pod, '/eviction'),
    body: {
      apiVersion: version,
      kind: 'Eviction',
      metadata: { name, namespace },
      deleteOptions: uidPrecondition(pod),
    },
  });
  const { message, causes } = readStatus(response.body);
  const why = causes.length > 0 ? causes.join('; ') : (message ?? `HTTP ${response.status}`);
  if (response.status === 200 || response.status === 201) return { kind: 'evicted' };
  // 409: the uid precondition failed, so the pod that was listed is gone.
  if (response.status === 404 || response.status === 409) return { kind: 'gone' };
  if (response.status === 429) return { kind: 'refused', why };
  // A budget with a negative allowance (403), or a pod covered by several budgets (500): a human must fix
  // the budgets; until then it is one more pod the drain cannot move.
  if ((response.status === 403 || response.status === 500) && /disruption ?budget/i.test(why)) {
    return { kind: 'refused', why };
  }
  throw new KubeApiError(`evict pod ${namespace}/${name}`, response);
}
