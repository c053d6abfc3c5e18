import { LRUCache } from 'lru-cache';
import { KindlingError } from '../errors/KindlingError.ts';
import { convertDown } from '../payload/convertDown.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';
import type { PreparedBody } from './PreparedBody.ts';
import { prepareBody } from './prepareBody.ts';

/** A payload converted to an older spec, or the reason it cannot be. */
type Entry = PreparedBody | KindlingError;

export interface BodyCache {
  /** The body of `payload` as spec `version`; ERR_NOT_ACCEPTABLE when the payload cannot be expressed so. */
  get(payload: StoredPayload, version: SpecVersion | undefined): Entry;
  /** Forgets every variant of a payload nobody serves any more. */
  forget(payload: StoredPayload): void;
  readonly bytes: number;
}

function sizeOf(entry: Entry): number {
  return entry instanceof KindlingError
    ? 256
    : (entry.identity.ok.body?.length ?? 0) + (entry.gzip.ok.body?.length ?? 0) + 2048;
}

function build(payload: StoredPayload, version: SpecVersion | undefined): Entry {
  if (version === undefined || payload.version === undefined || version === payload.version) {
    return prepareBody(payload.bytes, { format: payload.format, version: payload.version });
  }
  try {
    const config = JSON.parse(payload.bytes.toString('utf8'));
    const converted = convertDown(config, payload.version, version);
    return prepareBody(Buffer.from(JSON.stringify(converted)), { format: 'ignition', version });
  } catch (error) {
    if (error instanceof KindlingError) return error;
    throw error;
  }
}

/**
 * Derived bytes (gzip, converted specs) bounded in bytes. A miss is never an error: the entry is rebuilt from
 * the payload the store holds, so the limit trades CPU for memory and nothing else.
 */
export function createBodyCache({ maxBytes }: { maxBytes: number }): BodyCache {
  const cache = new LRUCache<string, Entry>({ maxSize: maxBytes, sizeCalculation: sizeOf });
  const keyOf = (payload: StoredPayload, version: SpecVersion | undefined) =>
    `${payload.contentHash}/${version ?? payload.format}`;
  const versions = new Map<string, Set<SpecVersion | undefined>>();
  return {
    get(payload, version) {
      const key = keyOf(payload, version);
      let entry = cache.get(key);
      if (entry === undefined) {
        entry = build(payload, version);
        // An entry larger than the whole cache is still served, just not kept.
        cache.set(key, entry);
        let seen = versions.get(payload.contentHash);
        if (!seen) versions.set(payload.contentHash, (seen = new Set()));
        seen.add(version);
      }
      return entry;
    },
    forget(payload) {
      for (const version of versions.get(payload.contentHash) ?? []) cache.delete(keyOf(payload, version));
      versions.delete(payload.contentHash);
    },
    get bytes() {
      return cache.calculatedSize;
    },
  };
}
