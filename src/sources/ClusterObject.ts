import { REVOCATIONS_SECRET_TYPE } from '../tokens/machineRecordsFormat.ts';
import { VERIFICATION_KEYS_SECRET_TYPE } from '../tokens/jws/signingKeyFormat.ts';

/**
 * Cluster data the server reads beside token Secrets: what templates read (ConfigMap
 * `kube-public/cluster-info`, Secrets of `kube-system`: bootstrap tokens, a control-plane certificate key),
 * and what per-machine tokens are checked against (the `kindling.dev/verification-keys` and
 * `kindling.dev/revocations` Secrets, in the server's namespace). Values as the API server sends them:
 * ConfigMap `data` plain, Secret `data` base64 (`stringData` plain, accepted from files).
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
  type?: string;
  metadata?: { name?: string; namespace?: string };
}): object is ClusterObject {
  const namespace = object.metadata?.namespace;
  if (object.kind === 'ConfigMap')
    return namespace === CLUSTER_INFO.namespace && object.metadata?.name === CLUSTER_INFO.name;
  return (
    object.kind === 'Secret' && (namespace === CLUSTER_SECRETS_NAMESPACE || isMachineTokenSecret(object))
  );
}

/**
 * Whether a Secret holds what per-machine tokens are verified against: their public keys, or the revoked
 * jtis. Told apart by type alone, in any namespace: the source decides which namespaces it reads.
 */
export function isMachineTokenSecret(object: { kind?: string; type?: string | undefined }): boolean {
  return (
    object.kind === 'Secret' &&
    (object.type === VERIFICATION_KEYS_SECRET_TYPE || object.type === REVOCATIONS_SECRET_TYPE)
  );
}

export function clusterKey({ kind, namespace, name }: ClusterRef): string {
  return `${kind}/${namespace}/${name}`;
}
