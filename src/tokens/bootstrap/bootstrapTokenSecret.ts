import { KindlingError } from '../../errors/KindlingError.ts';
import type { SecretObject } from '../SecretObject.ts';
import type { BootstrapToken } from './createBootstrapToken.ts';

/** kubeadm's DefaultTokenDuration (cmd/kubeadm/app/apis/bootstraptoken/v1/defaults.go). */
export const DEFAULT_BOOTSTRAP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** kubeadm's DefaultTokenGroups: what `kubeadm join` nodes are bound to (node bootstrapper, CSR approval). */
export const DEFAULT_BOOTSTRAP_TOKEN_GROUPS: readonly string[] = [
  'system:bootstrappers:kubeadm:default-node-token',
];

const ID = /^[a-z0-9]{6}$/;
const SECRET = /^[a-z0-9]{16}$/;
// BootstrapGroupPattern (k8s.io/cluster-bootstrap/token/api), enforced by the API server's authenticator.
const GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export interface BootstrapTokenSecretInit extends BootstrapToken {
  /** Time to live; 0 means the token never expires (kubeadm's `--ttl 0`). */
  ttlMs?: number;
  /** Milliseconds since the epoch. */
  now?: number;
  description?: string;
  /** The groups the token authenticates as; they replace the default, as kubeadm's `--groups` does. */
  extraGroups?: readonly string[];
}

/**
 * The Secret `kubeadm token create` stores, field for field. Checked against kubernetes/kubernetes:
 * `BootstrapTokenToSecret` and `encodeTokenSecretData` in cmd/kubeadm/app/apis/bootstraptoken/v1/utils.go
 * (blob at commit 1c9cf914) and its defaults.go (TTL 24h; usages = bootstrapapi.KnownTokenUsages, i.e.
 * signing and authentication; groups = default-node-token).
 * Name `bootstrap-token-<id>` in `kube-system`, type `bootstrap.kubernetes.io/token`, base64 `data`:
 * `token-id`, `token-secret`, `description` (only when not empty), `expiration` (now + TTL, Go's
 * `Format(time.RFC3339)` in UTC: whole seconds and `Z`; absent when the TTL is 0), `usage-bootstrap-signing`
 * and `usage-bootstrap-authentication` = "true", `auth-extra-groups` (comma-joined).
 */
export function bootstrapTokenSecret({
  id,
  secret,
  ttlMs = DEFAULT_BOOTSTRAP_TOKEN_TTL_MS,
  now = Date.now(),
  description = '',
  extraGroups = DEFAULT_BOOTSTRAP_TOKEN_GROUPS,
}: BootstrapTokenSecretInit): SecretObject {
  // Never quote the token: these messages may end up in a log.
  if (!ID.test(id)) throw invalid('id', 'the bootstrap token id must match [a-z0-9]{6}');
  if (!SECRET.test(secret)) throw invalid('secret', 'the bootstrap token secret must match [a-z0-9]{16}');
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 0)
    throw invalid('ttlMs', 'the TTL must be 0 or more milliseconds');
  const badGroup = extraGroups.find((group) => !GROUP.test(group));
  if (badGroup !== undefined) {
    throw invalid('extraGroups', `group ${JSON.stringify(badGroup)} does not match ${GROUP.source}`);
  }
  const data: Record<string, string> = { 'token-id': id, 'token-secret': secret };
  if (description !== '') data.description = description;
  if (ttlMs > 0) data.expiration = rfc3339Seconds(now + ttlMs);
  data['usage-bootstrap-signing'] = 'true';
  data['usage-bootstrap-authentication'] = 'true';
  if (extraGroups.length > 0) data['auth-extra-groups'] = extraGroups.join(',');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'bootstrap.kubernetes.io/token',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, base64(value)])),
  };
}

/** Go's time.RFC3339 truncates (never rounds) to the second. */
function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

function invalid(path: string, message: string): KindlingError {
  return new KindlingError('ERR_CONFIG_INVALID', message, { path });
}
