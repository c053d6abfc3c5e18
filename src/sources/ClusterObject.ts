/**
 * Cluster data that templates read: ConfigMap `kube-public/cluster-info` and Secrets of `kube-system`
 * (bootstrap tokens, a control-plane certificate key). Values as the API server sends them: ConfigMap
 * `data` plain, Secret `data` base64 (`stringData` plain, accepted from files).
 */
export interface ClusterObject {
  kind: 'ConfigMap' | 'Secret';
  type?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface ClusterRef {
  kind: 'ConfigMap' | 'Secret';
  namespace: string;
  name: string;
}

export const CLUSTER_INFO: ClusterRef = { kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' };
export const CLUSTER_SECRETS_NAMESPACE = 'kube-system';

/** Whether an object is cluster data kindling reads, whatever source it came from. */
export function isClusterObject(object: {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}): object is ClusterObject {
  const namespace = object.metadata?.namespace;
  if (object.kind === 'ConfigMap')
    return namespace === CLUSTER_INFO.namespace && object.metadata?.name === CLUSTER_INFO.name;
  return object.kind === 'Secret' && namespace === CLUSTER_SECRETS_NAMESPACE;
}

export function clusterKey({ kind, namespace, name }: ClusterRef): string {
  return `${kind}/${namespace}/${name}`;
}
