import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Pinning } from './cpus.ts';

const run = promisify(execFile);

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers that were not 2xx/3xx (expected for the 401 and 503 scenarios). */
  non2xx: number;
  socketErrors: number;
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

export interface LoadGenerator {
  name: string;
  run(options: LoadOptions): Promise<LoadResult>;
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // `wrk -v` prints its version and exits 1.
    return (error as { status?: number }).status === 1;
  }
}

/** wrk (C, one thread, keep-alive connections) when installed, autocannon (Node) otherwise, or as asked. */
export function pickLoadGenerator(pinning: Pinning, wanted?: string): LoadGenerator {
  if (wanted === 'autocannon') return autocannon(pinning);
  if (wanted === 'wrk' || (wanted === undefined && hasWrk())) return wrk(pinning);
  if (wanted !== undefined) throw new Error(`--load-generator: wrk or autocannon, not ${wanted}`);
  return autocannon(pinning);
}

function wrk(pinning: Pinning): LoadGenerator {
  const script = new URL('./wrkReport.lua', import.meta.url).pathname;
  return {
    name: 'wrk',
    async run({ url, headers, connections, durationSeconds }) {
      const [command, args] = pinning.wrap('load', 'wrk', [
        '-t1',
        `-c${connections}`,
        `-d${durationSeconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
        url,
      ]);
      const { stdout } = await run(command, args, { timeout: (durationSeconds + 30) * 1000 });
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`wrk printed no report:\n${stdout}`);
      const r = JSON.parse(line) as Record<string, number>;
      const requests = r['requests'] ?? 0;
      return {
        requestsPerSecond: requests / ((r['durationUs'] ?? 1) / 1e6),
        p50Ms: (r['p50Us'] ?? 0) / 1000,
        p99Ms: (r['p99Us'] ?? 0) / 1000,
        requests,
        non2xx: r['non2xx3xx'] ?? 0,
        socketErrors: r['socketErrors'] ?? 0,
      };
    },
  };
}

function autocannon(pinning: Pinning): LoadGenerator {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  return {
    name: 'autocannon',
    async run({ url, headers, connections, durationSeconds }) {
      const [command, args] = pinning.wrap('load', process.execPath, [
        cli,
        '--json',
        '--connections',
        String(connections),
        '--duration',
        String(durationSeconds),
        ...Object.entries(headers).flatMap(([name, value]) => ['--headers', `${name}=${value}`]),
        url,
      ]);
      const { stdout } = await run(command, args, {
        timeout: (durationSeconds + 30) * 1000,
        maxBuffer: 1 << 24,
      });
      const r = JSON.parse(stdout) as {
        requests: { total: number };
        latency: { p50: number; p99: number };
        duration: number;
        non2xx: number;
        errors: number;
        timeouts: number;
      };
      return {
        requestsPerSecond: r.requests.total / r.duration,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        socketErrors: r.errors + r.timeouts,
      };
    },
  };
}
