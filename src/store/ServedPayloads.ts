import type { KindlingError } from '../errors/KindlingError.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';

/** What a token's Secret serves, per route: a payload, or why that route has none (answered as-is). */
export interface ServedPayloads {
  ignition: StoredPayload;
  cloudConfig: StoredPayload | KindlingError;
}
