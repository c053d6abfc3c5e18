import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSettled, startKindling, type Child } from './children.ts';
import type { Pinning } from './cpus.ts';
import { makePool, writePools, type Pool } from './payloads.ts';
import { progress, sleep } from './stats.ts';

export interface StartupResult {
  pools: number;
  payloadBytes: number;
  /** Process start → /readyz 200, with the pools, and with an empty directory (Node and kindling alone). */
  readyMs: number;
  /** Process start → every payload's gzip made (identity is served to gzip clients until then). */
  gzipMs: number;
  emptyReadyMs: number;
  /** Resident memory once settled, with the pools and with none. */
  rssBytes: number;
  emptyRssBytes: number;
  /** (rss − empty rss) / pools, and that over the payload size. */
  bytesPerPool: number;
  perPoolRatio: number;
  /** Where the memory is, from the server's own metrics (with the pools). */
  breakdown: Record<string, number>;
}

async function waitReady(child: Child): Promise<number> {
  for (;;) {
    const status = await fetch(`${child.url}/readyz`).then(
      async (response) => {
        await response.body?.cancel();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return performance.now();
    await sleep(10);
  }
}

/**
 * Resident memory once the process is idle. V8 returns memory after a few idle seconds (its memory reducer),
 * so the lowest of several samples over `windowMs` is taken.
 */
async function settledRss(child: Child, windowMs = 6_000): Promise<number> {
  let lowest = Infinity;
  for (const end = performance.now() + windowMs; performance.now() < end; await sleep(250)) {
    lowest = Math.min(lowest, child.rss());
  }
  return lowest;
}

async function metrics(child: Child): Promise<Record<string, number>> {
  const text = await (await fetch(child.metricsUrl ?? '')).text();
  const wanted = [
    'kindling_store_bytes{kind="payloads"}',
    'kindling_store_bytes{kind="cache"}',
    'kindling_nodejs_heap_size_used_bytes',
    'kindling_nodejs_external_memory_bytes',
  ];
  return Object.fromEntries(
    wanted.map((name) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return [name, Number(line?.split(' ')[1] ?? Number.NaN)];
    }),
  );
}

async function startAndMeasure(pinning: Pinning, dir: string) {
  const started = performance.now();
  const child = await startKindling(pinning, [`--source=dir:${dir}`, '--listen=127.0.0.1:0']);
  try {
    const readyMs = (await waitReady(child)) - started;
    const gzipMs = (await gzipSettled(child)) - started;
    return { readyMs, gzipMs, rssBytes: await settledRss(child), breakdown: await metrics(child) };
  } finally {
    await child.stop();
  }
}

/** Makes `count` pools of `size` bytes in `work/pools` (kept for the boot storm) and measures start-up. */
export async function measureStartup(
  pinning: Pinning,
  work: string,
  count: number,
  size: number,
): Promise<{ result: StartupResult; pools: Pool[]; dir: string }> {
  const empty = join(work, 'empty');
  const dir = join(work, 'pools');
  mkdirSync(empty);
  mkdirSync(dir);
  progress(`writing ${count} pools of ${size / 1024} KiB`);
  const pools = Array.from({ length: count }, (_, i) => makePool(`pool-${String(i).padStart(4, '0')}`, size));
  writePools(dir, pools);
  progress('start-up with no pool');
  const bare = await startAndMeasure(pinning, empty);
  progress(`start-up with ${count} pools`);
  const full = await startAndMeasure(pinning, dir);
  const bytesPerPool = (full.rssBytes - bare.rssBytes) / count;
  progress(
    `ready in ${Math.round(full.readyMs)} ms, gzip made at ${Math.round(full.gzipMs)} ms, ` +
      `${(bytesPerPool / 1024).toFixed(0)} KiB per pool`,
  );
  return {
    result: {
      pools: count,
      payloadBytes: size,
      readyMs: full.readyMs,
      gzipMs: full.gzipMs,
      emptyReadyMs: bare.readyMs,
      rssBytes: full.rssBytes,
      emptyRssBytes: bare.rssBytes,
      bytesPerPool,
      perPoolRatio: bytesPerPool / size,
      breakdown: full.breakdown,
    },
    pools,
    dir,
  };
}
