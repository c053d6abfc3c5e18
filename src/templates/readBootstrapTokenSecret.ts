import { decodeBase64 } from '../payload/decodeBase64.ts';
import { renderError } from './renderError.ts';

/** The parts of a `bootstrap.kubernetes.io/token` Secret read here, as the API returns them (base64 data). */
export interface BootstrapTokenSecret {
  metadata?: { name?: string };
  type?: string;
  data?: Record<string, string>;
}

export interface BootstrapToken {
  /** `<id>.<secret>`, for ClusterData.bootstrapToken. */
  token: string;
  tokenId: string;
  /** RFC 3339, when the Secret sets one: after it the API server refuses the token and joins fail. */
  expiration: string | undefined;
}

/**
 * Reads a `kube-system/bootstrap-token-<id>` Secret. Throws ERR_RENDER_FAILED (rule `bootstrap-token-secret`)
 * when it is not a bootstrap token usable for a join; messages name the key, never its value.
 */
export function readBootstrapTokenSecret(secret: BootstrapTokenSecret): BootstrapToken {
  const fail = (key: string, problem: string) => renderError('bootstrap-token-secret', key, problem);
  if (secret.type !== 'bootstrap.kubernetes.io/token') {
    throw fail('type', 'must be bootstrap.kubernetes.io/token');
  }
  const read = (key: string): string | undefined => {
    const encoded = secret.data?.[key];
    if (encoded === undefined) return undefined;
    const bytes = decodeBase64(encoded);
    if (bytes === undefined) throw fail(`data.${key}`, 'is not base64');
    return bytes.toString('utf8');
  };
  const tokenId = read('token-id');
  const tokenSecret = read('token-secret');
  if (tokenId === undefined || !/^[a-z0-9]{6}$/.test(tokenId)) {
    throw fail('data.token-id', 'must be 6 characters [a-z0-9]');
  }
  if (tokenSecret === undefined || !/^[a-z0-9]{16}$/.test(tokenSecret)) {
    throw fail('data.token-secret', 'must be 16 characters [a-z0-9]');
  }
  const name = secret.metadata?.name;
  if (name !== undefined && name !== `bootstrap-token-${tokenId}`) {
    throw fail('metadata.name', `must be bootstrap-token-${tokenId}, after its token id`);
  }
  // kubeadm's discovery checks cluster-info's signature for this token id (made only for signing tokens), then
  // kubelet's TLS bootstrap authenticates with the token: a join needs both usages.
  for (const usage of ['usage-bootstrap-signing', 'usage-bootstrap-authentication']) {
    if (read(usage) !== 'true') throw fail(`data.${usage}`, 'must be "true" for the token to join a node');
  }
  return { token: `${tokenId}.${tokenSecret}`, tokenId, expiration: read('expiration') };
}
