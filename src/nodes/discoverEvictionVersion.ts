import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk } from '../kube/KubeApiError.ts';

export type EvictionVersion = 'policy/v1' | 'policy/v1beta1';

interface ApiResource {
  name?: string;
  group?: string;
  version?: string;
}

/**
 * Which Eviction the API server takes on `pods/eviction`. Asked the way kubectl drain asks: the subresource
 * in the core v1 resource list names the group and version of its body (policy/v1beta1 up to 1.21, policy/v1
 * from 1.22). A server that does not name it is asked for the policy group's versions instead.
 */
export async function discoverEvictionVersion(api: KubeApi): Promise<EvictionVersion> {
  const core = expectOk(await api.request({ method: 'GET', path: '/api/v1' }), 'discover the core API')
    .body as { resources?: ApiResource[] };
  const eviction = core.resources?.find((resource) => resource.name === 'pods/eviction');
  if (eviction === undefined) {
    throw new Error('this API server has no pods/eviction subresource: pods cannot be evicted');
  }
  if (eviction.group === 'policy' && (eviction.version === 'v1' || eviction.version === 'v1beta1')) {
    return `policy/${eviction.version}`;
  }
  const policy = expectOk(
    await api.request({ method: 'GET', path: '/apis/policy' }),
    'discover the policy API group',
  ).body as { versions?: { version?: string }[] };
  const versions = new Set((policy.versions ?? []).map(({ version }) => version));
  if (versions.has('v1')) return 'policy/v1';
  if (versions.has('v1beta1')) return 'policy/v1beta1';
  throw new Error('this API server serves neither policy/v1 nor policy/v1beta1: pods cannot be evicted');
}
