import type { SecretObject } from '../../tokens/SecretObject.ts';

/**
 * Something of the source that must see every token Secret the watch delivers, before the store does: what
 * other replicas already wrote on it, or which cluster data its template reads.
 */
export interface SecretTap {
  seen(secret: SecretObject): void;
  /** A full list: what it does not hold is forgotten. */
  seenAll(secrets: readonly SecretObject[]): void;
  forget(ref: { namespace?: string | undefined; name: string }): void;
}
