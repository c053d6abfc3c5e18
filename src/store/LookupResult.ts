import type { ErrorCode } from '../errors/KindlingError.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';

/** Lookups sit on the hot path, so failures are codes, not thrown errors with stack traces. */
export type LookupResult =
  | { ok: true; secret: TokenSecret; role: 'current' | 'previous' }
  | { ok: false; code: ErrorCode; secret?: TokenSecret };
