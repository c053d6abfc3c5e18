import { LABEL_POOL, LABEL_TOKEN_SECRET } from '../../../tokens/labels.ts';
import { clusterError, usageError } from '../../CommandError.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { readPoolSecret, type PoolSecret } from './readPoolSecret.ts';

export function poolSelector(pool?: string): string {
  return pool === undefined
    ? `${LABEL_TOKEN_SECRET}=true`
    : `${LABEL_TOKEN_SECRET}=true,${LABEL_POOL}=${pool}`;
}

/**
 * The pool's token Secret, found by its labels (as the server finds it) rather than by name, so that a
 * Secret written by hand or by an older tool is adopted rather than duplicated. Two Secrets for one pool
 * are refused: which one a command should change would be a guess.
 */
export async function findPoolSecret(
  api: ClusterApi,
  namespace: string,
  pool: string,
): Promise<PoolSecret | undefined> {
  const found = await api.listSecrets(namespace, poolSelector(pool));
  if (found.length > 1) {
    const names = found.map((secret) => secret.metadata.name).join(', ');
    throw clusterError(
      `pool "${pool}" has ${found.length} token Secrets in namespace "${namespace}" (${names}); kindling keeps one per pool: delete the others`,
    );
  }
  const [secret] = found;
  return secret === undefined ? undefined : readPoolSecret(secret);
}

/** As findPoolSecret, for commands that act on an existing pool: a missing one is a mistyped --pool. */
export async function requirePoolSecret(
  api: ClusterApi,
  namespace: string,
  pool: string,
): Promise<PoolSecret> {
  const found = await findPoolSecret(api, namespace, pool);
  if (found === undefined) {
    throw usageError(
      `--pool ${pool}: no token Secret for this pool in namespace "${namespace}" (create one with kindling token create --pool ${pool})`,
    );
  }
  return found;
}
