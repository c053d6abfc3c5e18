import type { KindlingError } from '../errors/KindlingError.ts';

/** What the store tells logs and metrics. Every name here comes from the server's data, never a client. */
export interface StoreObserver {
  secretAccepted?(key: string, pool: string): void;
  secretRefused?(key: string, error: KindlingError, { stillServing }: { stillServing: boolean }): void;
  secretRemoved?(key: string): void;
  /** A template Secret's rendering failed (its tokens answer 503 until it renders). */
  renderFailed?(key: string, error: KindlingError): void;
  /** `keys` are the Secrets that claim one token; empty when the conflict is over. */
  tokenConflict?(fingerprint: string, keys: readonly string[]): void;
  ready?(): void;
}
