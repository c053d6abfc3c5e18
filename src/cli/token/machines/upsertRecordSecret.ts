import type { SecretObject } from '../../../tokens/SecretObject.ts';
import type { ClusterSecret, ClusterApi } from '../kube/createClusterApi.ts';
import { hasStatus } from '../kube/KubeCallError.ts';

export interface RecordSecretInit {
  namespace: string;
  name: string;
  type: string;
  labels: Record<string, string>;
}

/**
 * Sets data keys of a record Secret (machine tokens, revocations), creating it when it does not exist yet.
 * A JSON merge patch without a resourceVersion: every key has a single writer, so concurrent writers of
 * other keys (another operator, the server recording a first fetch) are merged, never overwritten.
 */
export async function upsertRecordSecret(
  api: ClusterApi,
  init: RecordSecretInit,
  current: ClusterSecret | undefined,
  data: Record<string, string | null>,
): Promise<void> {
  const ref = { namespace: init.namespace, name: init.name };
  if (current === undefined) {
    const created: SecretObject & { metadata: { namespace: string } } = {
      type: init.type,
      metadata: { ...ref, labels: init.labels },
      data: Object.fromEntries(
        Object.entries(data).filter((entry): entry is [string, string] => entry[1] !== null),
      ),
    };
    try {
      await api.createSecret(created);
      return;
    } catch (error) {
      // Someone created it meanwhile: fall through and patch it like any existing one.
      if (!hasStatus(error, 409)) throw error;
    }
  }
  await api.patchSecret(ref, { data });
}
