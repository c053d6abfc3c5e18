import type { KindlingError } from '../errors/KindlingError.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';
import { createBodyCache } from './createBodyCache.ts';
import type { GzipQueueOptions } from './createGzipQueue.ts';
import type { PreparedBody } from './PreparedBody.ts';

/**
 * Payloads by content: Secrets with identical payloads (or identical renderings) share one instance, one
 * set of derived bytes, and one validation. Reference-counted, so the last Secret to let go frees them.
 */
export function createPayloadHolder({
  cacheMaxBytes,
  gzip,
}: {
  cacheMaxBytes: number;
  gzip?: GzipQueueOptions;
}) {
  const payloads = new Map<string, { payload: StoredPayload; refs: number }>();
  const bodies = createBodyCache({ maxBytes: cacheMaxBytes, gzip });
  return {
    known: (contentHash: string) => payloads.get(contentHash)?.payload,
    intern: (payload: StoredPayload) => payloads.get(payload.contentHash)?.payload ?? payload,
    retain(payload: StoredPayload) {
      const held = payloads.get(payload.contentHash);
      if (held) return void held.refs++;
      payloads.set(payload.contentHash, { payload, refs: 1 });
      // Derived bytes are made when the Secret changes, so the first request finds them ready.
      bodies.prefetch(payload);
    },
    release(payload: StoredPayload) {
      const held = payloads.get(payload.contentHash);
      if (!held || --held.refs > 0) return;
      payloads.delete(payload.contentHash);
      bodies.forget(payload);
    },
    body: (payload: StoredPayload, version: SpecVersion | undefined): PreparedBody | KindlingError =>
      bodies.get(payload, version),
    stats() {
      let bytes = 0;
      for (const { payload } of payloads.values()) bytes += payload.bytes.length;
      return {
        payloads: payloads.size,
        payloadBytes: bytes,
        cacheBytes: bodies.bytes,
        gzipPending: bodies.gzipPending,
      };
    },
  };
}

export type PayloadHolder = ReturnType<typeof createPayloadHolder>;
