import type { ClusterData } from './ClusterData.ts';
import type { NodeTemplate } from './NodeTemplate.ts';
import { renderError } from './renderError.ts';
import { BOOTSTRAP_TOKEN, CA_CERT_HASH, CERTIFICATE_KEY, isHostname, isHostPort } from './templateFormats.ts';

/** Everything a join needs, each value taken from the template or else from the cluster data, and checked. */
export interface ResolvedCluster {
  apiServerEndpoint: string;
  bootstrapToken: string;
  caCertHashes: readonly string[];
  /** Set for role control-plane only. */
  certificateKey: string | undefined;
  /** Set when the hostname policy fixes the name at render time (`fixed`, `machine-name`). */
  nodeName: string | undefined;
}

/**
 * Combines a template with the cluster data fetched for it. Throws ERR_RENDER_FAILED (rule `cluster-data`)
 * when something the template relies on was not supplied or is malformed; the path names the ClusterData
 * field, and the message never holds a token or key.
 */
export function resolveClusterData({
  template,
  cluster,
}: {
  template: NodeTemplate;
  cluster: ClusterData;
}): ResolvedCluster {
  const fail = (field: string, problem: string) => renderError('cluster-data', field, problem);
  const { bootstrapToken: tokenSource } = template.cluster;

  const apiServerEndpoint = template.cluster.apiServerEndpoint ?? cluster.apiServerEndpoint;
  if (apiServerEndpoint === undefined) {
    throw fail('apiServerEndpoint', 'not supplied, and the template sets no cluster.apiServerEndpoint');
  }
  if (!isHostPort(apiServerEndpoint)) throw fail('apiServerEndpoint', 'must be host:port');

  const bootstrapToken = tokenSource.value ?? cluster.bootstrapToken;
  if (bootstrapToken === undefined) {
    throw fail('bootstrapToken', `not supplied from the Secret ${tokenSource.secretRef?.name ?? ''}`);
  }
  const tokenId = BOOTSTRAP_TOKEN.exec(bootstrapToken)?.[1];
  if (tokenId === undefined)
    throw fail('bootstrapToken', 'must be <6 characters [a-z0-9]>.<16 characters [a-z0-9]>');
  const expectedName = tokenSource.secretRef?.name;
  if (expectedName !== undefined && expectedName !== `bootstrap-token-${tokenId}`) {
    // Token ids are public (they name the Secret); only the secret half is not.
    throw fail('bootstrapToken', `has token id ${tokenId}, but the template references ${expectedName}`);
  }

  const caCertHashes = template.cluster.caCertHashes ?? cluster.caCertHashes ?? [];
  if (caCertHashes.length === 0) {
    throw fail(
      'caCertHashes',
      'not supplied (from cluster-info), and the template lists no cluster.caCertHashes',
    );
  }
  const badHash = caCertHashes.findIndex((hash) => !CA_CERT_HASH.test(hash));
  if (badHash >= 0) throw fail(`caCertHashes[${badHash}]`, 'must be "sha256:" and 64 lower-case hex digits');

  let certificateKey: string | undefined;
  if (template.role === 'control-plane') {
    certificateKey = template.controlPlane?.certificateKey.value ?? cluster.certificateKey;
    if (certificateKey === undefined)
      throw fail('certificateKey', 'not supplied, and a control-plane join needs one');
    if (!CERTIFICATE_KEY.test(certificateKey))
      throw fail('certificateKey', 'must be 64 lower-case hex digits');
  }

  return {
    apiServerEndpoint,
    bootstrapToken,
    caCertHashes,
    certificateKey,
    nodeName: nodeName(template, cluster),
  };
}

function nodeName(template: NodeTemplate, cluster: ClusterData): string | undefined {
  const policy = template.node.hostname;
  if (policy.policy === 'fixed') return policy.name;
  if (policy.policy !== 'machine-name') return undefined;
  const { machineName } = cluster;
  if (machineName === undefined) {
    throw renderError('cluster-data', 'machineName', 'not supplied, and the hostname policy is machine-name');
  }
  if (!isHostname(machineName)) {
    throw renderError(
      'cluster-data',
      'machineName',
      'must be a lower-case DNS name of at most 63 characters',
    );
  }
  return machineName;
}
