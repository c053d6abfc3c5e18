import {
  bootstrapTokenSecret,
  DEFAULT_BOOTSTRAP_TOKEN_GROUPS,
} from '../../../tokens/bootstrap/bootstrapTokenSecret.ts';
import { createBootstrapToken, type RandomBytes } from '../../../tokens/bootstrap/createBootstrapToken.ts';
import { KindlingError } from '../../../errors/KindlingError.ts';
import { readBootstrapTokenSecret } from '../../../templates/readBootstrapTokenSecret.ts';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import { bootstrapTokenDescription } from '../format/cliAnnotations.ts';
import { rfc3339 } from '../format/timeFormat.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';

export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';

export interface BootstrapTokenPlan {
  /** `bootstrap-token-<id>`, in kube-system. */
  name: string;
  /** The Secret to create; undefined when the pool's current one is kept. */
  create: (SecretObject & { metadata: { namespace: string } }) | undefined;
  /** RFC 3339, or undefined for a token without expiry. */
  expiration: string | undefined;
}

export interface PlanBootstrapTokenOptions {
  api: ClusterApi;
  namespace: string;
  pool: string;
  /** The bootstrap token the pool's Secret names (kindling.dev/bootstrap-token-secret), if any. */
  recorded: string | undefined;
  /** The pool token's expiry, whole seconds: the bootstrap token expires with it. */
  expiresAt: number | undefined;
  now: number;
  random: RandomBytes;
}

function plain(secret: SecretObject, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

/**
 * The kubeadm bootstrap token a pool's template points at. The one the pool already has is kept when it is
 * still what `kubeadm join` needs (both usages, the default groups), was made for this pool, and expires with
 * the pool's token; otherwise a new one is made, exactly as `kubeadm token create` would, with the same
 * expiry as the pool's token. So running `token create` again changes nothing.
 */
export async function planBootstrapToken({
  api,
  namespace,
  pool,
  recorded,
  expiresAt,
  now,
  random,
}: PlanBootstrapTokenOptions): Promise<BootstrapTokenPlan> {
  const expiration = expiresAt === undefined ? undefined : rfc3339(expiresAt);
  const description = bootstrapTokenDescription(namespace, pool);
  if (recorded !== undefined) {
    const current = await api.getSecret({ namespace: BOOTSTRAP_TOKEN_NAMESPACE, name: recorded });
    if (current !== undefined && isReusable(current, description, expiration)) {
      return { name: recorded, create: undefined, expiration };
    }
  }
  const { id, secret } = createBootstrapToken({ random });
  const created = bootstrapTokenSecret({
    id,
    secret,
    ttlMs: expiresAt === undefined ? 0 : expiresAt - now,
    now,
    description,
  });
  return {
    name: created.metadata.name,
    create: { ...created, metadata: { ...created.metadata, namespace: BOOTSTRAP_TOKEN_NAMESPACE } },
    expiration,
  };
}

function isReusable(secret: SecretObject, description: string, expiration: string | undefined): boolean {
  try {
    readBootstrapTokenSecret(secret);
  } catch (error) {
    if (error instanceof KindlingError) return false;
    throw error;
  }
  return (
    plain(secret, 'description') === description &&
    plain(secret, 'expiration') === expiration &&
    plain(secret, 'auth-extra-groups') === DEFAULT_BOOTSTRAP_TOKEN_GROUPS.join(',')
  );
}
