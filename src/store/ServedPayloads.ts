import { KindlingError } from '../errors/KindlingError.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';

/** What a token's Secret serves, per route: a payload, or why that route has none (answered as-is). */
export interface ServedPayloads {
  ignition: StoredPayload;
  cloudConfig: StoredPayload | KindlingError;
}

/**
 * What a template whose hostname policy is `machine-name` serves: nothing shared, since each machine's
 * token gets a rendering of its own. It rendered for a placeholder machine, so its cluster data is known to
 * be usable; `configHash` (hex) is that rendering's, and changes whenever every machine's does.
 */
export interface RenderedPerMachine {
  perMachine: true;
  configHash: string;
}

/** The payloads a rendering holds, to retain and release them in the payload holder. */
export function payloadsOf(served: ServedPayloads | RenderedPerMachine | KindlingError | undefined) {
  if (served === undefined || served instanceof KindlingError || 'perMachine' in served) return [];
  return served.cloudConfig instanceof KindlingError
    ? [served.ignition]
    : [served.ignition, served.cloudConfig];
}
