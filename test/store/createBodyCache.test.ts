import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../src/errors/KindlingError.ts';
import { createBodyCache } from '../../src/store/createBodyCache.ts';
import { createGzipQueue } from '../../src/store/createGzipQueue.ts';
import type { PreparedBody } from '../../src/store/PreparedBody.ts';
import type { StoredPayload } from '../../src/tokens/TokenSecret.ts';

function payload(text: string): StoredPayload {
  const bytes = Buffer.from(JSON.stringify({ ignition: { version: '3.4.0' }, text }));
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  return { contentHash, format: 'ignition', version: '3.4.0', bytes };
}

/** A compressor the test finishes by hand: `jobs` holds what was started, in order. */
function manualCompressor() {
  const jobs: { bytes: Buffer; finish(error?: Error): void }[] = [];
  return {
    jobs,
    compress(bytes: Buffer, done: (error: Error | null, compressed: Buffer) => void) {
      jobs.push({ bytes, finish: (error) => done(error ?? null, error ? Buffer.alloc(0) : gzipSync(bytes)) });
    },
  };
}

const prepared = (entry: PreparedBody | KindlingError) => {
  if (entry instanceof KindlingError) throw entry;
  return entry;
};

describe('createBodyCache: gzip made in the background, identity until then', () => {
  it('answers gzip clients with identity until the gzip is made, then with gzip', () => {
    const compressor = manualCompressor();
    const cache = createBodyCache({ maxBytes: 1 << 20, gzip: { compress: compressor.compress } });
    const p = payload('a');
    cache.prefetch(p);
    const interim = prepared(cache.get(p, '3.4.0'));
    expect(interim.gzip).toBe(interim.identity);
    expect(interim.identity.ok.body).toBe(p.bytes);
    expect(interim.gzip.ok.headers['Content-Encoding']).toBeUndefined();
    expect(cache.gzipPending).toBe(1);

    compressor.jobs[0]?.finish();
    const done = prepared(cache.get(p, '3.4.0'));
    expect(done.gzip.ok.headers['Content-Encoding']).toBe('gzip');
    expect(done.gzip.etag).toBe(done.identity.etag.replace(/"$/, '-gzip"'));
    expect(gunzipSync(done.gzip.ok.body!).equals(p.bytes)).toBe(true);
    expect(done.identity.etag).toBe(interim.identity.etag);
    expect(cache.gzipPending).toBe(0);
  });

  it('compresses at most `concurrency` payloads at once, in the order they came', () => {
    const compressor = manualCompressor();
    const cache = createBodyCache({
      maxBytes: 1 << 20,
      gzip: { concurrency: 2, compress: compressor.compress },
    });
    const payloads = ['a', 'b', 'c', 'd'].map(payload);
    for (const p of payloads) cache.prefetch(p);
    expect(compressor.jobs.map((job) => job.bytes)).toEqual([payloads[0]!.bytes, payloads[1]!.bytes]);
    expect(cache.gzipPending).toBe(4);
    compressor.jobs[1]?.finish();
    expect(compressor.jobs.map((job) => job.bytes)).toEqual(payloads.slice(0, 3).map((p) => p.bytes));
    expect(prepared(cache.get(payloads[1]!, '3.4.0')).gzip.ok.headers['Content-Encoding']).toBe('gzip');
    expect(prepared(cache.get(payloads[0]!, '3.4.0')).gzip.ok.headers['Content-Encoding']).toBeUndefined();
  });

  it('does not compress a payload forgotten while it waited, nor keep one forgotten while compressing', () => {
    const compressor = manualCompressor();
    const cache = createBodyCache({ maxBytes: 1 << 20, gzip: { compress: compressor.compress } });
    const [a, b, c] = ['a', 'b', 'c'].map(payload) as [StoredPayload, StoredPayload, StoredPayload];
    cache.prefetch(a);
    cache.prefetch(b);
    cache.prefetch(c);
    cache.forget(b);
    cache.forget(a);
    compressor.jobs[0]?.finish();
    // b was skipped without being compressed; c started.
    expect(compressor.jobs.map((job) => job.bytes)).toEqual([a.bytes, c.bytes]);
    expect(cache.bytes).toBe(2048); // c's interim entry only: a's late gzip was not kept
  });

  it('keeps serving identity when compression fails', () => {
    const compressor = manualCompressor();
    const cache = createBodyCache({ maxBytes: 1 << 20, gzip: { compress: compressor.compress } });
    const p = payload('a');
    cache.prefetch(p);
    compressor.jobs[0]?.finish(new Error('zlib failed'));
    const entry = prepared(cache.get(p, '3.4.0'));
    expect(entry.gzip).toBe(entry.identity);
    expect(cache.gzipPending).toBe(0);
  });

  it('builds everything at once on a miss, gzip included', () => {
    const compressor = manualCompressor();
    const cache = createBodyCache({ maxBytes: 1 << 20, gzip: { compress: compressor.compress } });
    const p = payload('a');
    const entry = prepared(cache.get(p, '3.4.0'));
    expect(gunzipSync(entry.gzip.ok.body!).equals(p.bytes)).toBe(true);
    cache.prefetch(p);
    expect(compressor.jobs).toEqual([]);
  });

  it('runs real gzip on libuv threads by default', async () => {
    const cache = createBodyCache({ maxBytes: 1 << 20 });
    const p = payload('x'.repeat(10_000));
    cache.prefetch(p);
    const deadline = Date.now() + 5_000;
    while (cache.gzipPending > 0) {
      if (Date.now() > deadline) throw new Error('gzip did not finish within 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const entry = prepared(cache.get(p, '3.4.0'));
    expect(entry.gzip.ok.body!.length).toBeLessThan(p.bytes.length / 10);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a concurrency of %s', (concurrency) => {
    expect(() => createGzipQueue({ concurrency })).toThrow(
      new TypeError(`gzip concurrency must be a positive integer, got ${concurrency}`),
    );
  });
});
