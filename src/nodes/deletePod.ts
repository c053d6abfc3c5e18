import type { KubeApi } from '../kube/KubeApi.ts';
import { KubeApiError } from '../kube/KubeApiError.ts';
import type { PodObject } from './KubeObjects.ts';
import { podPath, uidPrecondition } from './podPath.ts';

/**
 * Deletes without asking the disruption budgets: for `node remove --force` only, once eviction was retried
 * until the timeout. The pod still gets its grace period.
 */
export async function deletePod(api: KubeApi, pod: PodObject): Promise<'deleted' | 'gone'> {
  const response = await api.request({ method: 'DELETE', path: podPath(pod), body: uidPrecondition(pod) });
  if (response.status === 404 || response.status === 409) return 'gone';
  if (response.status >= 200 && response.status < 300) return 'deleted';
  throw new KubeApiError(`delete pod ${pod.metadata.namespace}/${pod.metadata.name}`, response);
}
