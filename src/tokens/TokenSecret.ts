import type { SpecVersion } from '../payload/SpecVersion.ts';

/** A token Secret that passed every rule of format v1: what the store serves from. */
export interface TokenSecret {
  /** `namespace/name` */
  key: string;
  namespace: string;
  name: string;
  pool: string;
  resourceVersion: string | undefined;
  tokenHash: string;
  previousTokenHash: string | undefined;
  /** Epoch milliseconds; the tokens are refused from then on. */
  expiresAt: number | undefined;
  /** Epoch milliseconds; the previous token is refused from then on. */
  previousTokenExpiresAt: number | undefined;
  payload: StoredPayload;
}

/** A validated payload as the Secret holds it (decompressed). Identical payloads share one instance. */
export interface StoredPayload {
  /** SHA-256 (hex) of `bytes`: identity of the payload across Secrets. */
  contentHash: string;
  version: SpecVersion;
  bytes: Buffer;
}
