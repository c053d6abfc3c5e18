import type { NodeTemplate, SecretKeyRef } from './NodeTemplate.ts';

/** What the server must fetch from the cluster before it can render a template. */
export interface TemplateNeeds {
  /** The bootstrap token's Secret (type bootstrap.kubernetes.io/token), when the template references one. */
  bootstrapTokenSecret: { namespace: 'kube-system'; name: string } | undefined;
  /** ConfigMap `kube-public/cluster-info`: for the CA hashes, the API server endpoint, or both. */
  clusterInfo: { caCertHashes: boolean; apiServerEndpoint: boolean } | undefined;
  /** The Secret key holding a control-plane join's certificate key, when referenced. */
  certificateKeySecret: SecretKeyRef | undefined;
  /** True when the hostname policy is `machine-name`: only a per-machine token can be rendered. */
  machineName: boolean;
}

export function templateNeeds(template: NodeTemplate): TemplateNeeds {
  const { cluster, controlPlane, node } = template;
  const caCertHashes = cluster.caCertHashes === undefined;
  const apiServerEndpoint = cluster.apiServerEndpoint === undefined;
  const tokenRef = cluster.bootstrapToken.secretRef;
  return {
    bootstrapTokenSecret:
      tokenRef === undefined ? undefined : { namespace: 'kube-system', name: tokenRef.name },
    clusterInfo: caCertHashes || apiServerEndpoint ? { caCertHashes, apiServerEndpoint } : undefined,
    certificateKeySecret: controlPlane?.certificateKey.secretRef,
    machineName: node.hostname.policy === 'machine-name',
  };
}
