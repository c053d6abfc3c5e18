import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk } from '../kube/KubeApiError.ts';
import type { PodObject } from './KubeObjects.ts';

const PAGE = 500;

/** Every pod bound to the node, in every namespace (paginated: a big node may run hundreds). */
export async function listPodsOnNode(api: KubeApi, nodeName: string): Promise<PodObject[]> {
  const pods: PodObject[] = [];
  let token: string | undefined;
  do {
    const response = await api.request({
      method: 'GET',
      path: '/api/v1/pods',
      query: { fieldSelector: `spec.nodeName=${nodeName}`, limit: String(PAGE), continue: token },
    });
    const list = expectOk(response, `list pods on node ${nodeName}`).body as {
      items?: PodObject[];
      metadata?: { continue?: string };
    };
    pods.push(...(list.items ?? []));
    token = list.metadata?.continue || undefined;
  } while (token !== undefined);
  return pods;
}
