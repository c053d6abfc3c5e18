import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { NodeTemplate } from '../templates/NodeTemplate.ts';

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
  /** Exactly one of `payload` (a finished Ignition config) and `template` (rendered by the store). */
  payload: StoredPayload | undefined;
  template: NodeTemplate | undefined;
}

export type PayloadFormat = 'ignition' | 'cloud-config';

/** Bytes to serve (decompressed), validated once. Identical payloads share one instance. */
export interface StoredPayload {
  /** SHA-256 (hex) of `bytes`: identity of the payload across Secrets. */
  contentHash: string;
  format: PayloadFormat;
  /** The Ignition spec of an `ignition` payload; undefined for `cloud-config`. */
  version: SpecVersion | undefined;
  bytes: Buffer;
}
