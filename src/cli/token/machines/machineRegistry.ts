import { LABEL_POOL } from '../../../tokens/labels.ts';
import {
  decodeRecord,
  encodeRecord,
  FIRST_FETCH_SUFFIX,
  FirstFetchRecord,
  LABEL_MACHINE_TOKENS,
  MACHINE_TOKENS_SECRET_TYPE,
  machineTokensSecretName,
  MintRecord,
} from '../../../tokens/machineRecordsFormat.ts';
import type { ClusterSecret, ClusterApi } from '../kube/createClusterApi.ts';
import { upsertRecordSecret } from './upsertRecordSecret.ts';

/** One minted machine token, as `kindling-machines-<pool>` records it. */
export interface MachineToken {
  pool: string;
  jti: string;
  record: MintRecord;
  firstFetch: FirstFetchRecord | undefined;
}

/** How long a record outlives its token when a newer one of the same machine exists. */
const KEEP_AFTER_EXPIRY_MS = 30 * 86_400_000;

export function readMachineTokens(secret: ClusterSecret): MachineToken[] {
  const pool = secret.metadata.labels?.[LABEL_POOL] ?? '';
  const data = secret.data ?? {};
  const tokens: MachineToken[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key.endsWith(FIRST_FETCH_SUFFIX)) continue;
    const record = decodeRecord(MintRecord, value);
    if (record === undefined) continue;
    const firstFetch = decodeRecord(FirstFetchRecord, data[`${key}${FIRST_FETCH_SUFFIX}`]);
    tokens.push({ pool, jti: key, record, firstFetch });
  }
  return tokens.sort((a, b) => a.record.iat - b.record.iat || a.jti.localeCompare(b.jti));
}

/** The registries of one pool, or of every pool. */
export async function listMachineTokens(
  api: ClusterApi,
  namespace: string,
  pool?: string,
): Promise<MachineToken[]> {
  const selector = `${LABEL_MACHINE_TOKENS}=true${pool === undefined ? '' : `,${LABEL_POOL}=${pool}`}`;
  return (await api.listSecrets(namespace, selector)).flatMap(readMachineTokens);
}

export interface RecordMintOptions {
  api: ClusterApi;
  namespace: string;
  pool: string;
  jti: string;
  record: MintRecord;
  now: number;
}

/**
 * Records a minted token before it is handed over, so that `token revoke --machine` can always find it.
 * Records of tokens long expired and superseded by a newer token of the same machine are pruned, which
 * keeps the Secret to about one record per machine; a machine's latest record stays, with its first fetch.
 */
export async function recordMint({
  api,
  namespace,
  pool,
  jti,
  record,
  now,
}: RecordMintOptions): Promise<void> {
  const name = machineTokensSecretName(pool);
  const current = await api.getSecret({ namespace, name });
  const data: Record<string, string | null> = {};
  const latest = new Map<string, MachineToken>();
  const existing = current === undefined ? [] : readMachineTokens(current);
  for (const token of existing) latest.set(token.record.machine, token);
  for (const token of existing) {
    const stale = token.record.exp * 1000 + KEEP_AFTER_EXPIRY_MS < now;
    if (stale && latest.get(token.record.machine) !== token) {
      data[token.jti] = null;
      data[`${token.jti}${FIRST_FETCH_SUFFIX}`] = null;
    }
  }
  data[jti] = encodeRecord(record);
  await upsertRecordSecret(
    api,
    {
      namespace,
      name,
      type: MACHINE_TOKENS_SECRET_TYPE,
      labels: { [LABEL_MACHINE_TOKENS]: 'true', [LABEL_POOL]: pool },
    },
    current,
    data,
  );
}
