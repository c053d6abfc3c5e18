import {
  SECRET_TYPE,
  LABEL_POOL,
  LABEL_TOKEN_SECRET,
  ANNOTATION_EXPIRES_AT,
  ANNOTATION_PREVIOUS_EXPIRES_AT,
} from '../../../tokens/labels.ts';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import {
  ANNOTATION_BOOTSTRAP_TOKEN_SECRET,
  ANNOTATION_REVOKED_AT,
  ANNOTATION_TOKEN_ISSUED_AT,
  ANNOTATION_TOKEN_TTL_SECONDS,
  tokenSecretName,
} from '../format/cliAnnotations.ts';
import { ceilToSecond, rfc3339 } from '../format/timeFormat.ts';
import { isTokenLive, type PoolSecret } from './readPoolSecret.ts';
import type { SecretChanges } from './SecretChanges.ts';

/** kubeadm's default token TTL, and the issue's. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 3_600_000;

export interface TokenPlan {
  /** The token the pool serves after the change. */
  token: string;
  /** Whether it is a new one. */
  issued: boolean;
  /** Why a token was issued for an existing pool. */
  reason: 'new pool' | 'expired' | 'revoked' | 'missing' | undefined;
  expiresAt: number | undefined;
  ttlMs: number;
}

export interface PlanTokenOptions {
  existing: PoolSecret | undefined;
  /** `--ttl`, when given. */
  ttlMs: number | undefined;
  now: number;
  randomUUID: () => string;
}

/**
 * `token create` keeps a pool's token while the server still accepts it (running the command again must
 * not cut off machines that hold a stub); it issues one for a new pool, and for a pool whose token expired
 * or was revoked, since nothing can boot with that one any more.
 */
export function planToken({ existing, ttlMs, now, randomUUID }: PlanTokenOptions): TokenPlan {
  if (existing !== undefined && existing.token !== undefined && isTokenLive(existing, now)) {
    return {
      token: existing.token,
      issued: false,
      reason: undefined,
      expiresAt: existing.expiresAt,
      ttlMs: existing.ttlMs ?? ttlMs ?? DEFAULT_TOKEN_TTL_MS,
    };
  }
  const ttl = ttlMs ?? existing?.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  const reason =
    existing === undefined
      ? 'new pool'
      : existing.token === undefined
        ? 'missing'
        : existing.revokedAt !== undefined
          ? 'revoked'
          : 'expired';
  return {
    token: randomUUID(),
    issued: true,
    reason,
    expiresAt: ttl === 0 ? undefined : ceilToSecond(now + ttl),
    ttlMs: ttl,
  };
}

const base64 = (value: string | Buffer) => Buffer.from(value).toString('base64');

/**
 * What changes in the token Secret: the token fields when a token was issued (the previous token goes too:
 * it ended with the one it preceded), the payload or template (the other key removed), and the CLI's
 * records. A kept token keeps its previous token and both expiries.
 */
export function tokenSecretChanges({
  plan,
  content,
  bootstrapTokenSecret,
  now,
}: {
  plan: TokenPlan;
  content: { key: 'payload' | 'template'; bytes: Buffer };
  bootstrapTokenSecret: string | undefined;
  now: number;
}): SecretChanges {
  const data: Record<string, string | null> = {
    payload: content.key === 'payload' ? base64(content.bytes) : null,
    template: content.key === 'template' ? base64(content.bytes) : null,
  };
  const annotations: Record<string, string | null> = {
    [ANNOTATION_BOOTSTRAP_TOKEN_SECRET]: bootstrapTokenSecret ?? null,
  };
  if (plan.issued) {
    data.token = base64(plan.token);
    data['previous-token'] = null;
    annotations[ANNOTATION_EXPIRES_AT] = plan.expiresAt === undefined ? null : rfc3339(plan.expiresAt);
    annotations[ANNOTATION_PREVIOUS_EXPIRES_AT] = null;
    annotations[ANNOTATION_TOKEN_TTL_SECONDS] = String(plan.ttlMs / 1000);
    annotations[ANNOTATION_TOKEN_ISSUED_AT] = rfc3339(now);
    annotations[ANNOTATION_REVOKED_AT] = null;
  }
  return { data, annotations };
}

/** An empty token Secret of the pool, what a new pool's changes apply to. */
export function newTokenSecret(
  namespace: string,
  pool: string,
): SecretObject & { metadata: { namespace: string } } {
  return {
    type: SECRET_TYPE,
    metadata: {
      name: tokenSecretName(pool),
      namespace,
      labels: { [LABEL_TOKEN_SECRET]: 'true', [LABEL_POOL]: pool },
      annotations: {},
    },
    data: {},
  };
}
