import type { ErrorCode } from '../errors/KindlingError.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { ServedPayloads } from './ServedPayloads.ts';

/**
 * Lookups sit on the hot path, so failures are codes, not thrown errors with stack traces. `role`: which of
 * the Secret's tokens matched, or `machine` for a per-machine token, whose verified machine name `machine` is.
 */
export type LookupResult =
  | {
      ok: true;
      secret: TokenSecret;
      role: 'current' | 'previous' | 'machine';
      payloads: ServedPayloads;
      machine?: string;
    }
  | { ok: false; code: ErrorCode; secret?: TokenSecret };
