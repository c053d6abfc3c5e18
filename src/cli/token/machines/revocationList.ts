import {
  decodeRecord,
  encodeRecord,
  LABEL_REVOCATIONS,
  Revocation,
  REVOCATIONS_SECRET_NAME,
  REVOCATIONS_SECRET_TYPE,
} from '../../../tokens/machineRecordsFormat.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import type { MachineToken } from './machineRegistry.ts';
import { upsertRecordSecret } from './upsertRecordSecret.ts';

/** The jtis the server refuses, with why. */
export async function readRevocations(api: ClusterApi, namespace: string): Promise<Map<string, Revocation>> {
  const secret = await api.getSecret({ namespace, name: REVOCATIONS_SECRET_NAME });
  const revoked = new Map<string, Revocation>();
  for (const [jti, value] of Object.entries(secret?.data ?? {})) {
    const entry = decodeRecord(Revocation, value);
    if (entry !== undefined) revoked.set(jti, entry);
  }
  return revoked;
}

export interface RevokeTokensOptions {
  api: ClusterApi;
  namespace: string;
  tokens: readonly MachineToken[];
  now: number;
  revokedAt: string;
}

/**
 * Adds the tokens to `kindling-revocations`; tokens already there are left as they are. Entries whose token
 * has expired are pruned in the same write (the server refuses them as expired anyway). Returns the tokens
 * this call revoked.
 */
export async function revokeTokens({
  api,
  namespace,
  tokens,
  now,
  revokedAt,
}: RevokeTokensOptions): Promise<MachineToken[]> {
  const current = await api.getSecret({ namespace, name: REVOCATIONS_SECRET_NAME });
  const data: Record<string, string | null> = {};
  for (const [jti, value] of Object.entries(current?.data ?? {})) {
    const entry = decodeRecord(Revocation, value);
    if (entry !== undefined && entry.exp * 1000 <= now) data[jti] = null;
  }
  const added = tokens.filter((token) => current?.data?.[token.jti] === undefined);
  for (const { jti, pool, record } of added) {
    data[jti] = encodeRecord({
      pool,
      machine: record.machine,
      exp: record.exp,
      revokedAt,
    } satisfies Revocation);
  }
  if (Object.keys(data).length === 0) return [];
  await upsertRecordSecret(
    api,
    {
      namespace,
      name: REVOCATIONS_SECRET_NAME,
      type: REVOCATIONS_SECRET_TYPE,
      labels: { [LABEL_REVOCATIONS]: 'true' },
    },
    current,
    data,
  );
  return added;
}
