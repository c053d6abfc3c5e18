import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../deploy/freePort.ts';
import { captureAnswers } from './captureAnswers.ts';
import { rawServerScript } from './buildServers.ts';
import { startChild, startKindling, type Child } from './children.ts';
import type { Pinning } from './cpus.ts';
import type { Pool } from './payloads.ts';
import { errorScenarios, IGNITION_HEADERS, type Scenario } from './scenarios.ts';
import { percentile, progress, sleep } from './stats.ts';

/** Ignition's gaps between attempts: 0.2 s doubling to 3.2 s, then every 5 s, no jitter. */
export const IGNITION_RETRY_MS = [200, 400, 800, 1600, 3200];
const retryDelay = (attempt: number) => IGNITION_RETRY_MS[attempt] ?? 5_000;
const HEADERS = { ...IGNITION_HEADERS, 'accept-encoding': 'identity' };

interface Machine {
  ok: boolean;
  error?: string;
  /** From the start of the storm to the payload in hand. */
  doneMs: number;
  /** The successful attempt alone: request sent → last byte. */
  fetchMs: number;
  noAnswer: number;
  answered5xx: number;
}

export interface StormResult {
  machines: number;
  succeeded: number;
  errors: string[];
  totalMs: number;
  doneP50Ms: number;
  doneP99Ms: number;
  fetchP50Ms: number;
  fetchP99Ms: number;
  noAnswer: number;
  answered5xx: number;
}

/**
 * A machine's own source address on loopback (127.1.x.y), as in a real storm where each machine has its own;
 * kindling's failed-lookup limiter keys on it. Where 127/8 is not all loopback (not Linux), none is set.
 */
async function sourceAddresses(): Promise<(i: number) => string | undefined> {
  const works = await new Promise<boolean>((resolve) => {
    const probe = createServer().listen(0, '127.1.0.1', () => probe.close(() => resolve(true)));
    probe.on('error', () => resolve(false));
  });
  // 250 machines per /24, host numbers 1–250: never a .0 or .255.
  return works ? (i) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}` : () => undefined;
}

function attempt(url: string, token: string, localAddress: string | undefined) {
  return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = request(`${url}/ignition`, {
      headers: { ...HEADERS, authorization: `Bearer ${token}` },
      agent: false,
      localAddress,
      // Ignition waits 10 s for response headers.
      timeout: 10_000,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

/** One booting machine: fetch until a 200, retrying 5xx and connection failures as Ignition does. */
async function machine(
  url: string,
  pool: Pool,
  localAddress: string | undefined,
  start: number,
  deadline: number,
) {
  const result: Machine = { ok: false, doneMs: 0, fetchMs: 0, noAnswer: 0, answered5xx: 0 };
  for (let n = 0; performance.now() < deadline; n++) {
    const sent = performance.now();
    try {
      const answer = await attempt(url, pool.token, localAddress);
      if (answer.status === 200) {
        result.fetchMs = performance.now() - sent;
        result.doneMs = performance.now() - start;
        result.ok = answer.body.equals(pool.payload);
        if (!result.ok) result.error = 'served other bytes';
        return result;
      }
      // 4xx: Ignition gives up and the boot fails.
      if (answer.status < 500) return { ...result, error: `answered ${answer.status}` };
      result.answered5xx++;
    } catch {
      result.noAnswer++;
    }
    await sleep(retryDelay(n));
  }
  return { ...result, error: 'no payload before the deadline' };
}

function storm(url: string, pools: Pool[], address: (i: number) => string | undefined, deadlineMs: number) {
  const start = performance.now();
  const machines = pools.map((pool, i) => machine(url, pool, address(i), start, start + deadlineMs));
  return { start, machines };
}

function summarize(machines: Machine[]): StormResult {
  const ok = machines.filter((m) => m.ok);
  const done = ok.map((m) => m.doneMs);
  const fetched = ok.map((m) => m.fetchMs);
  return {
    machines: machines.length,
    succeeded: ok.length,
    errors: [...new Set(machines.filter((m) => !m.ok).map((m) => m.error ?? 'failed'))],
    totalMs: Math.max(0, ...done),
    doneP50Ms: percentile(done, 50),
    doneP99Ms: percentile(done, 99),
    fetchP50Ms: percentile(fetched, 50),
    fetchP99Ms: percentile(fetched, 99),
    noAnswer: machines.reduce((sum, m) => sum + m.noAnswer, 0),
    answered5xx: machines.reduce((sum, m) => sum + m.answered5xx, 0),
  };
}

export interface StormResults {
  cold: StormResult;
  warm: StormResult;
  /** The warm storm against the raw node:http server holding kindling's answers: the ceiling. */
  warmRaw: StormResult;
  secretsAddedAtMs: number;
}

/** The raw server with kindling's answer for every pool, as in the throughput runs. */
async function startRawServer(pinning: Pinning, work: string, url: string, pools: Pool[]): Promise<Child> {
  const answers = join(work, 'storm-answers');
  mkdirSync(answers);
  const scenarios: Scenario[] = pools.map((pool) => ({
    id: pool.name,
    label: pool.name,
    headers: { ...HEADERS, authorization: `Bearer ${pool.token}` },
    status: 200,
    pool,
    gzip: false,
  }));
  const spec = await captureAnswers(url, [...scenarios, ...errorScenarios()], answers);
  writeFileSync(join(work, 'storm-raw.json'), JSON.stringify(spec));
  return startChild(pinning, rawServerScript(work), [join(work, 'storm-raw.json')]);
}

async function timed(label: string, run: () => Promise<Machine[]>): Promise<StormResult> {
  progress(`${label}: starting`);
  const result = summarize(await run());
  progress(`${label}: ${result.succeeded}/${result.machines} in ${Math.round(result.totalMs)} ms`);
  return result;
}

/**
 * Storms of one machine per pool, each fetching its pool's payload once.
 * Cold: the machines start with kindling; it comes up with an empty directory, and the pools' Secrets are
 * moved in once it listens, so machines meet refused connections, then 503s for tokens not known yet, and
 * retry on Ignition's schedule until their payload is loaded.
 * Warm: the same machines again against the loaded server, all at once; then against the raw server.
 */
export async function measureBootStorm(
  pinning: Pinning,
  work: string,
  pools: Pool[],
  poolDir: string,
): Promise<StormResults> {
  const live = join(work, 'storm');
  mkdirSync(live);
  const url = `http://127.0.0.1:${await freePort()}`;
  const address = await sourceAddresses();
  let server: Child | undefined;
  let raw: Child | undefined;
  try {
    let secretsAddedAtMs = 0;
    const cold = await timed(`cold boot storm, ${pools.length} machines`, async () => {
      const { start, machines } = storm(url, pools, address, 120_000);
      server = await startKindling(pinning, [
        `--source=dir:${live}`,
        `--listen=${url.slice('http://'.length)}`,
      ]);
      for (const name of readdirSync(poolDir)) renameSync(join(poolDir, name), join(live, name));
      secretsAddedAtMs = performance.now() - start;
      return Promise.all(machines);
    });
    const warm = await timed('warm boot storm', () =>
      Promise.all(storm(url, pools, address, 60_000).machines),
    );
    raw = await startRawServer(pinning, work, url, pools);
    const rawUrl = raw.url;
    const warmRaw = await timed('warm boot storm, raw node:http', () =>
      Promise.all(storm(rawUrl, pools, address, 60_000).machines),
    );
    return { cold, warm, warmRaw, secretsAddedAtMs };
  } finally {
    await Promise.all([server?.stop(), raw?.stop()]);
  }
}
