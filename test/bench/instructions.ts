import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Child, startChild } from './children.ts';
import type { Scenario } from './scenarios.ts';

/**
 * User-space instructions, simulated cache misses and mispredicted branches per request, counted by valgrind's
 * callgrind: the same for the same code and requests whatever else the machine is doing, so they show what a
 * noisy req/s ratio cannot settle, and where two servers that run as many instructions differ. Kernel work
 * (the socket writes, the same bytes for both servers) is not counted, and native code runs on valgrind's CPU
 * model: OpenSSL's SHA-256 counts several times what it costs with the CPU's SHA extensions.
 */
export function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Exactly `count` GETs, eight at a time; throws on an answer other than `status`. */
async function send(agent: Agent, url: string, scenario: Scenario, count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) {
        const status = await new Promise<number>((resolve, reject) => {
          request(`${url}/ignition`, { agent, headers: scenario.headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
            .on('error', reject)
            .end();
        });
        if (status !== scenario.status) throw new Error(`${scenario.label}: answered ${status}`);
      }
    }),
  );
}

/** A server's start, given the options that put it under callgrind (startKindling, or startChild for raw). */
export type StartServer = (options: Parameters<typeof startChild>[3]) => Promise<Child>;

/** Per request, on the thread that runs JavaScript and serves (node's compiler and GC helpers left out). */
export interface SimulatedCost {
  instructions: number;
  /** First-level cache misses, instructions and data (callgrind's simulated caches, sized like this CPU's). */
  l1Misses: number;
  /** Last-level cache misses. */
  llMisses: number;
  /** Mispredicted conditional and indirect branches (callgrind's simple predictor). */
  mispredicts: number;
  /** KCachegrind's estimate: instructions + 10 × (L1 misses + mispredicts) + 100 × last-level misses. */
  cycles: number;
}

const EVENTS = ['Ir', 'I1mr', 'D1mr', 'D1mw', 'ILmr', 'DLmr', 'DLmw', 'Bcm', 'Bim'] as const;

/** The counts of a callgrind dump's `events:` line, from its `summary:` (or `totals:`) line. */
export function parseCallgrindTotals(dump: string): Record<(typeof EVENTS)[number], number> {
  const names = /^events: (.+)$/m.exec(dump)?.[1]?.trim().split(/\s+/);
  const values = /^(?:summary|totals): (.+)$/m.exec(dump)?.[1]?.trim().split(/\s+/).map(Number);
  if (!names || !values) throw new Error('callgrind dump without events and totals');
  const count = (name: string) => {
    const i = names.indexOf(name);
    if (i === -1) throw new Error(`callgrind dump without ${name} (cache and branch simulation off?)`);
    return values[i] ?? 0;
  };
  return Object.fromEntries(EVENTS.map((name) => [name, count(name)])) as Record<
    (typeof EVENTS)[number],
    number
  >;
}

/**
 * Starts a server under callgrind (with its cache and branch simulation), warms it up, and counts what
 * `requests` requests cost the main thread. Node's other threads compile and collect garbage at their own
 * pace (more or less of it in any one window), so they are left out: what is counted is the serving.
 *
 * The warm-up runs uninstrumented (a few times faster under valgrind) and is long because V8 moves a
 * function to its optimising compiler only after thousands of calls: kindling's request path was still in
 * Maglev code after 3,000 requests and in TurboFan code by 21,000, and a count taken before that compares
 * compiler tiers, not servers (about 90,000 instructions per 8 KiB request instead of 70,000).
 */
export async function instructionsPerRequest(
  work: string,
  name: string,
  start: StartServer,
  scenario: Scenario,
  { warmup = 30_000, requests = 6_000 }: { warmup?: number; requests?: number } = {},
): Promise<SimulatedCost> {
  const out = join(work, `callgrind.${name}.${scenario.id}`);
  const server = await start({
    via: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      '--cache-sim=yes',
      '--branch-sim=yes',
      `--callgrind-out-file=${out}`,
    ],
    timeoutMs: 300_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await send(agent, server.url, scenario, warmup);
    execFileSync('callgrind_control', ['-i', 'on', String(server.pid)], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-z', String(server.pid)], { stdio: 'ignore' });
    await send(agent, server.url, scenario, requests);
    execFileSync('callgrind_control', ['-d', String(server.pid)], { stdio: 'ignore' });
  } finally {
    agent.destroy();
    await server.stop();
  }
  // One file per thread, `<out>.<part>-<thread>`; thread 01 is the main one.
  const dump = readdirSync(work).find(
    (file) => file.startsWith(`callgrind.${name}.${scenario.id}.`) && file.endsWith('-01'),
  );
  if (!dump) throw new Error(`callgrind wrote no dump for ${name} ${scenario.label}`);
  const t = parseCallgrindTotals(readFileSync(join(work, dump), 'utf8'));
  const l1Misses = t.I1mr + t.D1mr + t.D1mw;
  const llMisses = t.ILmr + t.DLmr + t.DLmw;
  const mispredicts = t.Bcm + t.Bim;
  return {
    instructions: t.Ir / requests,
    l1Misses: l1Misses / requests,
    llMisses: llMisses / requests,
    mispredicts: mispredicts / requests,
    cycles: (t.Ir + 10 * (l1Misses + mispredicts) + 100 * llMisses) / requests,
  };
}
