import { z } from 'zod';

/*
 * Per-machine token records (format v1): what `token mint` and `token revoke --machine` write, what the
 * server reads (revocations) and writes (first fetches). All are Secrets in the server's namespace, so the
 * server needs no permission beyond what it has on Secrets there (list/watch, patch), and none of them is
 * picked up as a token Secret (they do not carry kindling.dev/token-secret). Nothing in them is secret: a
 * jti, a machine name or an address does not authenticate anyone.
 *
 * Keys are jtis, which `token mint` always draws as UUIDs (valid Secret data keys). Each key has one writer
 * and is written once, so concurrent JSON merge patches of different keys never overwrite each other.
 */

/**
 * `kindling-machines-<pool>`, type kindling.dev/machine-tokens, labels kindling.dev/machine-tokens=true and
 * kindling.dev/pool=<pool>. Data:
 * - `<jti>`: MintRecord, written by `token mint` (and `stub --machine`) before the token is handed over.
 * - `<jti>.first-fetch`: FirstFetchRecord, written by the server on the first 200 it answers that token.
 */
export const MACHINE_TOKENS_SECRET_TYPE = 'kindling.dev/machine-tokens';
export const LABEL_MACHINE_TOKENS = 'kindling.dev/machine-tokens';
export const FIRST_FETCH_SUFFIX = '.first-fetch';

export function machineTokensSecretName(pool: string): string {
  return `kindling-machines-${pool}`;
}

export const MintRecord = z.object({
  machine: z.string(),
  /** The signing key's kid: which key a rotation may not drop yet. */
  kid: z.string(),
  /** NumericDate (seconds), as in the token. */
  iat: z.number(),
  exp: z.number(),
});
export type MintRecord = z.infer<typeof MintRecord>;

export const FirstFetchRecord = z.object({
  /** RFC 3339. */
  at: z.string(),
  /** The client address, IPv4-mapped IPv6 written as IPv4. */
  from: z.string(),
});
export type FirstFetchRecord = z.infer<typeof FirstFetchRecord>;

/**
 * `kindling-revocations`, type kindling.dev/revocations, label kindling.dev/revocations=true. Data:
 * `<jti>`: Revocation. The server refuses (403) a token whose jti is a key here. Entries whose `exp` has
 * passed are pruned by the next revocation: such a token is refused as expired anyway.
 */
export const REVOCATIONS_SECRET_TYPE = 'kindling.dev/revocations';
export const LABEL_REVOCATIONS = 'kindling.dev/revocations';
export const REVOCATIONS_SECRET_NAME = 'kindling-revocations';

export const Revocation = z.object({
  pool: z.string(),
  machine: z.string(),
  /** The token's `exp` (NumericDate): when the entry may go. */
  exp: z.number(),
  /** RFC 3339. */
  revokedAt: z.string(),
});
export type Revocation = z.infer<typeof Revocation>;

/**
 * Machine-token keys (see tokens/jws/signingKeyFormat.ts): the public `kindling-verification-keys` in the
 * server's namespace (label kindling.dev/verification-keys=true), the private `kindling-signing-key` in a
 * namespace the server cannot read.
 */
export const VERIFICATION_KEYS_SECRET_NAME = 'kindling-verification-keys';
export const LABEL_VERIFICATION_KEYS = 'kindling.dev/verification-keys';
export const SIGNING_KEY_SECRET_NAME = 'kindling-signing-key';
export const DEFAULT_KEY_NAMESPACE = 'kindling-keys';

/** A JSON record as a Secret data value. */
export function encodeRecord(record: object): string {
  return Buffer.from(JSON.stringify(record)).toString('base64');
}

/** A record from a Secret data value, or undefined when it is not one (a hand edit): skipped, not fatal. */
export function decodeRecord<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(value, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
