import { LRUCache } from 'lru-cache';
import { KindlingError } from '../errors/KindlingError.ts';
import { convertDown } from '../payload/convertDown.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';
import type { PreparedBody } from './PreparedBody.ts';
import { createGzipQueue, type GzipQueueOptions } from './createGzipQueue.ts';
import { prepareBody } from './prepareBody.ts';

/** A payload converted to an older spec, or the reason it cannot be. */
type Entry = PreparedBody | KindlingError;

export interface BodyCache {
  /** The body of `payload` as spec `version`; ERR_NOT_ACCEPTABLE when the payload cannot be expressed so. */
  get(payload: StoredPayload, version: SpecVersion | undefined): Entry;
  /**
   * Prepares the payload's own body: identity at once, gzip in the background (libuv's threads, a few at a
   * time), so loading a thousand payloads neither blocks requests nor waits for compression. Until its gzip
   * is made, gzip clients are answered with identity, which Accept-Encoding allows.
   */
  prefetch(payload: StoredPayload): void;
  /** Forgets every variant of a payload nobody serves any more. */
  forget(payload: StoredPayload): void;
  readonly bytes: number;
  /** Payloads whose gzip is still being made (served as identity meanwhile). */
  readonly gzipPending: number;
}

/** Bytes an entry adds: its own buffers, not the payload's bytes it serves as they are. */
function sizeOf(entry: Entry, payload: StoredPayload): number {
  if (entry instanceof KindlingError) return 256;
  const identity = entry.identity.ok.body;
  const gzip = entry.gzip === entry.identity ? 0 : (entry.gzip.ok.body?.length ?? 0);
  return gzip + (identity === payload.bytes ? 0 : (identity?.length ?? 0)) + 2048;
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
 * Bodies ready to write. A held payload's own body (identity and gzip) lasts as long as the payload; other
 * derived bytes (conversions to older specs) are bounded in bytes. A miss is never an error: the entry is
 * rebuilt from the payload the store holds, so the limit trades CPU for memory and nothing else.
 */
export function createBodyCache({
  maxBytes,
  gzip = {},
}: {
  maxBytes: number;
  /** Background compression: how many at once, and (for tests) the compressor itself. */
  gzip?: GzipQueueOptions;
}): BodyCache {
  const compressor = createGzipQueue(gzip);
  // A held payload's own body (its spec, identity and gzip), made when it arrives and kept while it is held:
  // found by content hash alone, the key a payload already carries, so the hot path builds no key string.
  const own = new Map<string, { entry: Entry; size: number }>();
  let ownBytes = 0;
  // Everything else, bounded: conversions to older specs, and bodies of payloads nobody prefetched.
  const cache = new LRUCache<string, Entry>({ maxSize: maxBytes });
  const keyOf = (payload: StoredPayload, version: SpecVersion | undefined) =>
    `${payload.contentHash}/${version ?? payload.format}`;
  const isOwn = (payload: StoredPayload, version: SpecVersion | undefined) =>
    version === undefined || payload.version === undefined || version === payload.version;
  // Per payload, the variants made of it, so that forgetting it drops them all.
  const versions = new Map<string, Set<SpecVersion | undefined>>();

  function keep(payload: StoredPayload, version: SpecVersion | undefined, entry: Entry) {
    // An entry larger than the whole cache is still served, just not kept.
    cache.set(keyOf(payload, version), entry, { size: sizeOf(entry, payload) });
    let seen = versions.get(payload.contentHash);
    if (!seen) versions.set(payload.contentHash, (seen = new Set()));
    seen.add(version);
  }

  function keepOwn(payload: StoredPayload, entry: Entry) {
    const size = sizeOf(entry, payload);
    ownBytes += size - (own.get(payload.contentHash)?.size ?? 0);
    own.set(payload.contentHash, { entry, size });
  }

  return {
    get(payload, version) {
      if (isOwn(payload, version)) {
        const held = own.get(payload.contentHash);
        if (held) return held.entry;
      }
      let entry = cache.get(keyOf(payload, version));
      if (entry === undefined) keep(payload, version, (entry = build(payload, version)));
      return entry;
    },
    prefetch(payload) {
      const { bytes, format, version, contentHash: sha256 } = payload;
      if (own.has(sha256)) return;
      const built = cache.get(keyOf(payload, version));
      if (built !== undefined) return keepOwn(payload, built);
      const interim = prepareBody(bytes, { format, version, gzip: null, sha256 });
      keepOwn(payload, interim);
      // Wanted while the interim entry is the one held: not once the payload was let go (or came back).
      const wanted = () => own.get(sha256)?.entry === interim;
      compressor.compress(bytes, wanted, (compressed) => {
        if (wanted()) keepOwn(payload, prepareBody(bytes, { format, version, gzip: compressed, sha256 }));
      });
    },
    forget(payload) {
      const held = own.get(payload.contentHash);
      if (held) {
        ownBytes -= held.size;
        own.delete(payload.contentHash);
      }
      for (const version of versions.get(payload.contentHash) ?? []) cache.delete(keyOf(payload, version));
      versions.delete(payload.contentHash);
    },
    get bytes() {
      return ownBytes + cache.calculatedSize;
    },
    get gzipPending() {
      return compressor.pending;
    },
  };
}
