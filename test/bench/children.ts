import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { imageNodeFlags } from '../deploy/imageNodeFlags.ts';
import type { Pinning } from './cpus.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;

// Every server here runs on node as the image runs kindling (its young generation, see the Dockerfile), the raw
// server included, so that the ceiling is the runtime's best under the same settings.
const IMAGE_NODE_FLAGS = imageNodeFlags();

export interface Child {
  pid: number;
  /** The payload port's base URL, from the `listening` log line. */
  url: string;
  metricsUrl: string | undefined;
  /** When the `listening` line arrived, in performance.now() milliseconds. */
  listeningAt: number;
  /** Resident memory now (Linux /proc), in bytes. */
  rss(): number;
  /** CPU time used so far, user + system, all threads (Linux /proc), in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * Starts a server in its own process (on the server core) and resolves once it logs
 * `{"msg":"listening","url":…}`, as kindling and rawServer.ts both do. Its stderr is kept for error messages;
 * other stdout lines are dropped.
 */
export function startChild(
  pinning: Pinning,
  script: string,
  args: string[],
  {
    timeoutMs = 120_000,
    onLine,
    via = [],
    nodeFlags = IMAGE_NODE_FLAGS,
  }: {
    timeoutMs?: number;
    onLine?: (record: Record<string, unknown>) => void;
    /** A program that runs node, with its arguments (valgrind): it must exec node in the same process. */
    via?: string[];
    /** Options for node itself; by default the image's, for kindling and the raw server alike. */
    nodeFlags?: string[];
  } = {},
): Promise<Child> {
  const [first = process.execPath, ...rest] = [...via, process.execPath];
  const [command, argv] = pinning.wrap('server', first, [...rest, ...nodeFlags, script, ...args]);
  const child: ChildProcess = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not listen within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening\n${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      onLine?.(record);
      if (record['msg'] !== 'listening') return;
      clearTimeout(timer);
      // taskset exec()s the server, so the child's pid is the server's.
      const pid = child.pid ?? 0;
      resolve({
        pid,
        url: String(record['url']),
        metricsUrl: typeof record['metricsUrl'] === 'string' ? record['metricsUrl'] : undefined,
        listeningAt: performance.now(),
        rss: () => residentBytes(pid),
        cpuSeconds: () => cpuSeconds(pid),
        stop,
      });
    });
  });
}

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) * 1024;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** kindling as the image runs it: `dist/`, made by buildServers. */
export const KINDLING_SCRIPT = 'dist/cli/main.js';

/** kindling as the image runs it (built: see buildServers), without per-request log lines. */
export function startKindling(pinning: Pinning, args: string[], options?: Parameters<typeof startChild>[3]) {
  if (!existsSync(join(ROOT, KINDLING_SCRIPT)))
    return Promise.reject(new Error(`${KINDLING_SCRIPT} is missing: buildServers() makes it`));
  return startChild(
    pinning,
    KINDLING_SCRIPT,
    ['serve', '--plain-http', '--metrics-listen', '127.0.0.1:0', '--log-requests', 'false', ...args],
    options,
  );
}

/**
 * Resolves once kindling has made every payload's gzip (`kindling_store{kind="gzip_pending"}` is 0), in
 * performance.now() milliseconds: gzip is made in the background after a load, and identity is served until.
 */
export async function gzipSettled(child: Child, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(child.metricsUrl ?? '')).text();
    const pending = /^kindling_store\{kind="gzip_pending"\} (\d+)$/m.exec(text)?.[1];
    if (pending === '0') return performance.now();
    if (performance.now() > deadline)
      throw new Error(`gzip still pending (${pending}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
