import { gzip } from 'node:zlib';
import { GZIP_OPTIONS } from './prepareBody.ts';

type Compress = (bytes: Buffer, done: (error: Error | null, compressed: Buffer) => void) => void;

export interface GzipQueue {
  /**
   * Compresses `bytes` when a slot is free, then calls `done`. `wanted` is asked just before starting: a job
   * nobody wants any more (its payload was replaced meanwhile) is dropped without being compressed.
   */
  compress(bytes: Buffer, wanted: () => boolean, done: (compressed: Buffer) => void): void;
  /** Jobs queued or running. */
  readonly pending: number;
}

export interface GzipQueueOptions {
  /** Compressions running at once on libuv's threads. */
  concurrency?: number;
  compress?: Compress;
}

const defaultCompress: Compress = (bytes, done) => gzip(bytes, GZIP_OPTIONS, done);

/**
 * Background gzip, a few at a time. Handing zlib a thousand payloads at once (a cold start) would allocate a
 * deflate state for each up front (about 400 KiB at level 9) and put every libuv thread to work, taking the
 * CPU the event loop and a co-located API server need to finish the load; the compressed bytes are not
 * needed to be ready, only to serve gzip, and until then identity is served.
 */
export function createGzipQueue({ concurrency = 1, compress = defaultCompress }: GzipQueueOptions = {}) {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`gzip concurrency must be a positive integer, got ${concurrency}`);
  }
  const queue: { bytes: Buffer; wanted: () => boolean; done: (compressed: Buffer) => void }[] = [];
  let head = 0;
  let running = 0;

  function next() {
    while (running < concurrency && head < queue.length) {
      const job = queue[head]!;
      queue[head++] = undefined as never;
      if (head === queue.length) queue.length = head = 0;
      if (!job.wanted()) continue;
      running++;
      compress(job.bytes, (error, compressed) => {
        running--;
        // A failed compression leaves identity served; the next change of the Secret tries again.
        if (!error) job.done(compressed);
        next();
      });
    }
  }

  const result: GzipQueue = {
    compress(bytes, wanted, done) {
      queue.push({ bytes, wanted, done });
      next();
    },
    get pending() {
      return queue.length - head + running;
    },
  };
  return result;
}
