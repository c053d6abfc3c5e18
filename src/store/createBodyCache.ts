import { LRUCache } from 'lru-cache';
import { KindlingError } from '../errors/KindlingError.ts';
import { convertDown } from '../payload/convertDown.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';
import type { PreparedBody } from './PreparedBody.ts';
import { gzip } from 'node:zlib';
import { GZIP_OPTIONS, prepareBody } from './prepareBody.ts';

/** A payload converted to an older spec, or the reason it cannot be. */
type Entry = PreparedBody | KindlingError;

export interface BodyCache {
  /** The body of `payload` as spec `version`; ERR_NOT_ACCEPTABLE when the payload cannot be expressed so. */
  get(payload: StoredPayload, version: SpecVersion | undefined): Entry;
  /**
   * Prepares the payload's own body in the background: gzip runs on libuv's threads, off the event loop, so
   * loading a thousand payloads neither blocks requests nor waits for compression. A request that comes
   * first builds it synchronously.
   */
  prefetch(payload: StoredPayload): void;
  /** Forgets every variant of a payload nobody serves any more. */
  forget(payload: StoredPayload): void;
  readonly bytes: number;
}

/** Bytes an entry adds: its own buffers, not the payload's bytes it serves as they are. */
function sizeOf(entry: Entry, payload: StoredPayload): number {
  if (entry instanceof KindlingError) return 256;
  const identity = entry.identity.ok.body;
  return (
    (entry.gzip.ok.body?.length ?? 0) + (identity === payload.bytes ? 0 : (identity?.length ?? 0)) + 2048
  );
}

function build(payload: StoredPayload, version: SpecVersion | undefined): Entry {
  if (version === undefined || payload.version === undefined || version === payload.version) {
    return prepareBody(payload.bytes, {
      format: payload.format,
      version: payload.version,
      sha256: payload.contentHash,
    });
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
  const cache = new LRUCache<string, Entry>({ maxSize: maxBytes });
  const keyOf = (payload: StoredPayload, version: SpecVersion | undefined) =>
    `${payload.contentHash}/${version ?? payload.format}`;
  // Per payload, the variants made of it; a payload absent here was forgotten (late prefetches are dropped).
  const versions = new Map<string, Set<SpecVersion | undefined>>();

  function keep(payload: StoredPayload, version: SpecVersion | undefined, entry: Entry) {
    // An entry larger than the whole cache is still served, just not kept.
    cache.set(keyOf(payload, version), entry, { size: sizeOf(entry, payload) });
    let seen = versions.get(payload.contentHash);
    if (!seen) versions.set(payload.contentHash, (seen = new Set()));
    seen.add(version);
  }

  return {
    get(payload, version) {
      let entry = cache.get(keyOf(payload, version));
      if (entry === undefined) keep(payload, version, (entry = build(payload, version)));
      return entry;
    },
    prefetch(payload) {
      const { bytes, format, version } = payload;
      if (cache.has(keyOf(payload, version))) return;
      versions.set(payload.contentHash, versions.get(payload.contentHash) ?? new Set());
      gzip(bytes, GZIP_OPTIONS, (error, compressed) => {
        if (error || !versions.has(payload.contentHash) || cache.has(keyOf(payload, version))) return;
        keep(
          payload,
          version,
          prepareBody(bytes, { format, version, gzip: compressed, sha256: payload.contentHash }),
        );
      });
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
