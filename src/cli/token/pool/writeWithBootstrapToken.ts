import type { ClusterApi } from '../kube/createClusterApi.ts';
import { BOOTSTRAP_TOKEN_NAMESPACE, type BootstrapTokenPlan } from './planBootstrapToken.ts';

/**
 * Creates the planned bootstrap token, then writes the token Secret that points at it: in that order, the
 * server never renders a template whose bootstrap token does not exist yet. When the second write fails, the
 * new bootstrap token is deleted again (best effort: it would expire by itself anyway).
 */
export async function writeWithBootstrapToken(
  api: ClusterApi,
  bootstrap: BootstrapTokenPlan | undefined,
  write: () => Promise<unknown>,
): Promise<void> {
  const created = bootstrap?.create;
  if (created !== undefined) await api.createSecret(created);
  try {
    await write();
  } catch (error) {
    if (created !== undefined) {
      await api
        .deleteSecret({ namespace: BOOTSTRAP_TOKEN_NAMESPACE, name: created.metadata.name })
        .catch(() => false);
    }
    throw error;
  }
}
