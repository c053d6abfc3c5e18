import {
  ANNOTATION_FIRST_FETCH_AT,
  ANNOTATION_FIRST_FETCH_FROM,
  ANNOTATION_FIRST_FETCH_TOKEN,
} from '../../../tokens/labels.ts';
import { tokenFingerprint } from '../format/describeToken.ts';
import { rfc3339 } from '../format/timeFormat.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { isPreviousTokenLive, previousTokenEnd, type PoolSecret } from '../pool/readPoolSecret.ts';
import { describeServing, type ServingStatus } from './describeServing.ts';

/** One pool in `token list -o json`: field names are stable, times RFC 3339, absent values null. */
export interface PoolView {
  pool: string;
  namespace: string;
  secret: string;
  token: { fingerprint: string; issuedAt: string | null; expiresAt: string | null } | null;
  /** Only while it is still accepted. */
  previousToken: { fingerprint: string; acceptedUntil: string | null } | null;
  /** The server's record of the first answer with one of the pool's current tokens. */
  firstFetch: { at: string; from: string | null; tokenFingerprint: string } | null;
  source: 'payload' | 'template' | null;
  /** SHA-256 (hex) of the Ignition config served. */
  payloadSha256: string | null;
  status: ServingStatus;
  statusDetail: string;
  revokedAt: string | null;
}

const time = (ms: number | undefined) => (ms === undefined ? null : rfc3339(ms));

export async function describePool(api: ClusterApi, pool: PoolSecret, now: number): Promise<PoolView> {
  const serving = await describeServing(api, pool, now);
  const previousLive = pool.previousToken !== undefined && isPreviousTokenLive(pool, now);
  return {
    pool: pool.pool,
    namespace: pool.namespace,
    secret: pool.name,
    token:
      pool.token === undefined
        ? null
        : {
            fingerprint: tokenFingerprint(pool.token),
            issuedAt: time(pool.issuedAt),
            expiresAt: time(pool.expiresAt),
          },
    previousToken:
      previousLive && pool.previousToken !== undefined
        ? { fingerprint: tokenFingerprint(pool.previousToken), acceptedUntil: time(previousTokenEnd(pool)) }
        : null,
    firstFetch: readFirstFetch(pool),
    source: pool.source ?? null,
    payloadSha256: serving.sha256 ?? null,
    status: serving.status,
    statusDetail: serving.detail,
    revokedAt: time(pool.revokedAt),
  };
}

/**
 * The server records the first fetch per token (createFirstFetchRecorder.ts); a record about a token the
 * pool no longer has says nothing about the current ones, so it is not shown.
 */
function readFirstFetch(pool: PoolSecret): PoolView['firstFetch'] {
  const annotations = pool.secret.metadata.annotations ?? {};
  const at = annotations[ANNOTATION_FIRST_FETCH_AT];
  const fingerprint = annotations[ANNOTATION_FIRST_FETCH_TOKEN];
  if (at === undefined || fingerprint === undefined) return null;
  const current = [pool.token, pool.previousToken]
    .filter((token) => token !== undefined)
    .map(tokenFingerprint);
  if (!current.includes(fingerprint)) return null;
  return { at, from: annotations[ANNOTATION_FIRST_FETCH_FROM] ?? null, tokenFingerprint: fingerprint };
}
