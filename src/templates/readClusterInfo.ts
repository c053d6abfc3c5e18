import { parse } from 'yaml';
import { isKindlingError } from '../errors/KindlingError.ts';
import { caCertHashes } from './caCertHash.ts';
import { renderError } from './renderError.ts';

const CA_DATA = 'clusters[0].cluster.certificate-authority-data';

export interface ClusterInfo {
  /** The API server URL as published, e.g. `https://10.0.0.10:6443`. */
  server: string;
  /** The same as kubeadm's discovery wants it: `host:port`, the port always written. */
  apiServerEndpoint: string;
  /** One pin per CA certificate published. */
  caCertHashes: string[];
}

/**
 * Reads the `kubeconfig` key of ConfigMap `kube-public/cluster-info` (what kubeadm's token discovery reads):
 * its first cluster's server and CA. Throws ERR_RENDER_FAILED (rule `cluster-info`) naming what is missing.
 */
export function readClusterInfo(kubeconfig: string): ClusterInfo {
  let config: unknown;
  try {
    config = parse(kubeconfig, { maxAliasCount: 100 });
  } catch (error) {
    throw renderError('cluster-info', 'kubeconfig', 'is not YAML', error);
  }
  const cluster = (config as { clusters?: { cluster?: Record<string, unknown> }[] } | null)?.clusters?.[0]
    ?.cluster;
  if (typeof cluster !== 'object' || cluster === null) {
    throw renderError('cluster-info', 'kubeconfig', 'has no clusters[0].cluster');
  }
  const server = cluster.server;
  const caData = cluster['certificate-authority-data'];
  if (typeof server !== 'string')
    throw renderError('cluster-info', 'clusters[0].cluster.server', 'is missing');
  if (typeof caData !== 'string' || !/^[A-Za-z0-9+/\s]+=*\s*$/.test(caData)) {
    throw renderError('cluster-info', CA_DATA, 'is missing or not base64 (kubeadm publishes the CA inline)');
  }
  const apiServerEndpoint = endpointOf(server);
  try {
    return {
      server,
      apiServerEndpoint,
      caCertHashes: caCertHashes(Buffer.from(caData, 'base64').toString('latin1')),
    };
  } catch (error) {
    if (!isKindlingError(error)) throw error;
    throw renderError('cluster-info', CA_DATA, error.message.replace(/^[^:]*: /, ''), error);
  }
}

function endpointOf(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw renderError('cluster-info', 'clusters[0].cluster.server', 'is not a URL');
  }
  if (url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '')) {
    throw renderError(
      'cluster-info',
      'clusters[0].cluster.server',
      'must be https://host[:port] without a path',
    );
  }
  // URL drops the scheme's default port; kubeadm's endpoint must carry one.
  return url.port === '' ? `${url.host}:443` : url.host;
}
