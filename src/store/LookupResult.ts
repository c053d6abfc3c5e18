import type { ErrorCode } from '../errors/KindlingError.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { ServedPayloads } from './ServedPayloads.ts';

/** Lookups sit on the hot path, so failures are codes, not thrown errors with stack traces. */
export type LookupResult =
  | { ok: true; secret: TokenSecret; role: 'current' | 'previous'; payloads: ServedPayloads }
  | { ok: false; code: ErrorCode; secret?: TokenSecret };
