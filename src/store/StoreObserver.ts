import type { KindlingError } from '../errors/KindlingError.ts';

/** What the store tells logs and metrics. Every name here comes from the server's data, never a client. */
export interface StoreObserver {
  secretAccepted?(key: string, pool: string): void;
  secretRefused?(key: string, error: KindlingError, { stillServing }: { stillServing: boolean }): void;
  secretRemoved?(key: string): void;
  /** A template Secret's rendering failed (its tokens answer 503 until it renders). */
  renderFailed?(key: string, error: KindlingError): void;
  /**
   * A template Secret rendered (again: a new version of it, or of the cluster data it reads). `configHash` is
   * `sha256:<hex>` of the Ignition bytes as served natively; identical renderings give identical hashes.
   * `perMachine`: the hostname policy is `machine-name`, so each machine's token gets its own rendering, and
   * `configHash` is that of the rendering for a placeholder machine (it changes whenever theirs do).
   */
  rendered?(key: string, { configHash, perMachine }: { configHash: string; perMachine?: boolean }): void;
  /**
   * A template whose hostname policy is `machine-name` could not be rendered for one machine (the
   * template itself renders: see `perMachine` above); that machine's token answers 503.
   */
  machineRenderFailed?(key: string, machine: string, error: KindlingError): void;
  /**
   * The public keys per-machine tokens are verified with changed. `kids` (current first) are those of the
   * one `kindling.dev/verification-keys` Secret in `secrets`; empty when there is none (or it is refused:
   * `secretRefused` said why), or when several claim to hold the keys (then none is used).
   */
  verificationKeys?({ secrets, kids }: { secrets: readonly string[]; kids: readonly string[] }): void;
  /** `keys` are the token Secrets that name one pool; empty when the conflict is over. */
  poolConflict?(pool: string, keys: readonly string[]): void;
  /** `keys` are the Secrets that claim one token; empty when the conflict is over. */
  tokenConflict?(fingerprint: string, keys: readonly string[]): void;
  ready?(): void;
}
