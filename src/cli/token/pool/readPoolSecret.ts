import { ANNOTATION_EXPIRES_AT, ANNOTATION_PREVIOUS_EXPIRES_AT, LABEL_POOL } from '../../../tokens/labels.ts';
import { parseUuid } from '../../../tokens/parseUuid.ts';
import { readSecretData } from '../../../tokens/readSecretData.ts';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import {
  ANNOTATION_BOOTSTRAP_TOKEN_SECRET,
  ANNOTATION_REVOKED_AT,
  ANNOTATION_TOKEN_ISSUED_AT,
  ANNOTATION_TOKEN_TTL_SECONDS,
} from '../format/cliAnnotations.ts';
import { parseTime } from '../format/timeFormat.ts';
import type { ClusterSecret } from '../kube/createClusterApi.ts';

/** A pool's token Secret as the commands see it: lenient, since a broken Secret must still be listable. */
export interface PoolSecret {
  secret: ClusterSecret;
  namespace: string;
  name: string;
  pool: string;
  /** Canonical UUIDs; undefined when absent or malformed. */
  token: string | undefined;
  previousToken: string | undefined;
  /** Milliseconds since the epoch. `expiresAt` ends both tokens. */
  expiresAt: number | undefined;
  previousExpiresAt: number | undefined;
  revokedAt: number | undefined;
  /** When the current token was issued: the CLI's annotation, else the Secret's creation. */
  issuedAt: number | undefined;
  /** The TTL a new token of the pool gets; undefined when the Secret was not made by the CLI. */
  ttlMs: number | undefined;
  bootstrapTokenSecret: string | undefined;
  source: 'payload' | 'template' | undefined;
}

function readToken(secret: SecretObject, key: string): string | undefined {
  try {
    const bytes = readSecretData(secret, key);
    return bytes === undefined ? undefined : parseUuid(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function readPoolSecret(secret: ClusterSecret): PoolSecret {
  const annotations = secret.metadata.annotations ?? {};
  const ttlSeconds = Number(annotations[ANNOTATION_TOKEN_TTL_SECONDS]);
  const data = secret.data ?? {};
  return {
    secret,
    namespace: secret.metadata.namespace ?? 'default',
    name: secret.metadata.name,
    pool: secret.metadata.labels?.[LABEL_POOL] ?? '',
    token: readToken(secret, 'token'),
    previousToken: readToken(secret, 'previous-token'),
    expiresAt: parseTime(annotations[ANNOTATION_EXPIRES_AT]),
    previousExpiresAt: parseTime(annotations[ANNOTATION_PREVIOUS_EXPIRES_AT]),
    revokedAt: parseTime(annotations[ANNOTATION_REVOKED_AT]),
    issuedAt: parseTime(annotations[ANNOTATION_TOKEN_ISSUED_AT] ?? secret.metadata.creationTimestamp),
    ttlMs: Number.isSafeInteger(ttlSeconds) && ttlSeconds >= 0 ? ttlSeconds * 1000 : undefined,
    bootstrapTokenSecret: annotations[ANNOTATION_BOOTSTRAP_TOKEN_SECRET],
    source: 'template' in data ? 'template' : 'payload' in data ? 'payload' : undefined,
  };
}

/** Whether the server still accepts the current token at `now`. */
export function isTokenLive(pool: PoolSecret, now: number): boolean {
  return pool.token !== undefined && (pool.expiresAt === undefined || now < pool.expiresAt);
}

/** When the server stops accepting the previous token: the earlier of its own end and the Secret's. */
export function previousTokenEnd(pool: PoolSecret): number | undefined {
  const ends = [pool.expiresAt, pool.previousExpiresAt].filter((end) => end !== undefined);
  return ends.length === 0 ? undefined : Math.min(...ends);
}

export function isPreviousTokenLive(pool: PoolSecret, now: number): boolean {
  const end = previousTokenEnd(pool);
  return pool.previousToken !== undefined && (end === undefined || now < end);
}
