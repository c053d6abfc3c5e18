import { gzipSync } from 'node:zlib';
import type { GzipQueueOptions } from '../../src/store/createGzipQueue.ts';
import { GZIP_OPTIONS } from '../../src/store/prepareBody.ts';

/** Background gzip done at once: handler tests see every payload's gzip as soon as its Secret is applied. */
export const compressNow: GzipQueueOptions = {
  compress: (bytes, done) => done(null, gzipSync(bytes, GZIP_OPTIONS)),
};
