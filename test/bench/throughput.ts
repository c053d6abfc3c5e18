import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureAnswers, type RawSpec } from './captureAnswers.ts';
import { rawServerScript } from './buildServers.ts';
import { hasCallgrind, instructionsPerRequest, type SimulatedCost } from './instructions.ts';
import { gzipSettled, startChild, startKindling, type Child } from './children.ts';
import type { Pinning } from './cpus.ts';
import type { LoadGenerator, LoadResult } from './loadGenerator.ts';
import { writePools } from './payloads.ts';
import { makeScenarios, type Scenario } from './scenarios.ts';
import { medianInterval, percentile, progress } from './stats.ts';

/** One server's numbers for one scenario over every round. */
export interface ServerRuns {
  /** The round with the most requests per second: other work on the machine only ever slows a run down. */
  best: LoadResult;
  /** Requests per second of each round, to show the spread. */
  rounds: number[];
  /** All rounds' requests over the server process's CPU time (user + system): less sensitive to neighbours. */
  requestsPerCpuSecond: number;
}

export interface ThroughputRow {
  scenario: string;
  status: number;
  kindling: ServerRuns;
  raw: ServerRuns;
  /**
   * The target's ratio: the median over rounds of kindling's requests per second over the raw server's in the
   * run beside it (the two ran back to back, so under much the same load from the rest of the machine).
   */
  ratio: number;
  /** The median's 95 % interval (distribution-free, from the rounds' order statistics). */
  ratioInterval: [number, number];
  /** kindling's best round over the raw server's best round, which may be minutes apart. */
  bestRatio: number;
  /** The same for requests per CPU-second. */
  cpuRatio: number;
  /** Answers other than the scenario's status, or socket errors: the numbers of that row mean nothing. */
  problems: string[];
  /**
   * Per request on the main thread under callgrind, when counted; `ratio` is raw's instructions over kindling's,
   * `cycleRatio` the same for the estimated cycles (which add the simulated cache misses and mispredictions).
   */
  instructions?: { kindling: SimulatedCost; raw: SimulatedCost; ratio: number; cycleRatio: number };
}

// The rows where a request costs least, so kindling's own code weighs most: counted under callgrind.
const INSTRUCTION_ROWS = new Set(['200 8 KiB identity', '200 8 KiB gzip', '401 no token']);

export interface ThroughputOptions {
  pinning: Pinning;
  load: LoadGenerator;
  work: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Rounds each row runs at least. */
  rounds: number;
  /**
   * Rounds a row may run while the median's 95 % interval is wider than `precision`: on a shared machine the
   * large payloads' rounds spread by a half (memory bandwidth), and a few more rounds settle their median.
   */
  maxRounds: number;
  precision: number;
  /** Also count instructions per request under callgrind (when valgrind is installed). */
  instructions?: boolean;
}

/** Throws unless two captures hold the same statuses, headers and bytes. */
function assertSameAnswers(kindling: RawSpec, raw: RawSpec): void {
  const view = (spec: RawSpec) =>
    [...spec.routes, spec.unauthorized, spec.unknown].map(({ bodyFile, ...answer }) => ({
      ...answer,
      body: readFileSync(bodyFile).toString('base64'),
    }));
  if (JSON.stringify(view(kindling)) !== JSON.stringify(view(raw)))
    throw new Error('the raw server does not answer as kindling does');
}

function problemsOf(result: LoadResult, scenario: Scenario): string[] {
  const problems: string[] = [];
  if (result.requests === 0) problems.push('no request completed');
  if (result.socketErrors > 0) problems.push(`${result.socketErrors} socket errors`);
  const wrongStatus = scenario.status < 400 ? result.non2xx : result.requests - result.non2xx;
  if (wrongStatus > 0) problems.push(`${wrongStatus} answers other than ${scenario.status}`);
  return problems;
}

/**
 * Each scenario against kindling and the raw server in alternation: a warm-up each, then `rounds` runs each
 * (more, up to `maxRounds`, while the ratio's interval is wider than `precision`), interleaved (kindling, raw,
 * raw, kindling, …) so that a slow spell on the machine hits both alike.
 */
export async function measureThroughput({
  pinning,
  load,
  work,
  connections,
  durationSeconds,
  warmupSeconds,
  rounds,
  maxRounds,
  precision,
  instructions,
}: ThroughputOptions): Promise<ThroughputRow[]> {
  const dir = join(work, 'throughput');
  const answers = join(work, 'answers');
  mkdirSync(dir);
  mkdirSync(answers);
  const { scenarios, pools } = makeScenarios();
  writePools(dir, pools);
  // The failed-lookup limiter wide open, so every 401 and 503 request takes the path its row names rather
  // than the limiter's own (a flood from one address is otherwise answered by the limiter after 30 failures).
  const kindlingArgs = [
    `--source=dir:${dir}`,
    '--listen=127.0.0.1:0',
    '--rate-limit-burst=1000000000',
    '--rate-limit-refill=1000000000',
  ];
  const kindling = await startKindling(pinning, kindlingArgs);
  await gzipSettled(kindling);
  const spec = await captureAnswers(kindling.url, scenarios, answers);
  const rawSpec = join(work, 'raw.json');
  writeFileSync(rawSpec, JSON.stringify(spec));
  const raw = await startChild(pinning, rawServerScript(work), [rawSpec]);
  // The same questions to the raw server: a check that it gives kindling's answers, and the same history of
  // requests for both servers before the load (V8 optimises for the shapes of what a process has seen).
  const rawAnswers = join(work, 'raw-answers');
  mkdirSync(rawAnswers);
  assertSameAnswers(spec, await captureAnswers(raw.url, scenarios, rawAnswers));
  const servers = { kindling, raw };
  const rows: ThroughputRow[] = [];
  try {
    for (const scenario of scenarios) {
      const runs = { kindling: [] as LoadResult[], raw: [] as LoadResult[] };
      const cpu = { kindling: 0, raw: 0 };
      const measure = async (name: 'kindling' | 'raw', durationSeconds: number) => {
        const server: Child = servers[name];
        const before = server.cpuSeconds();
        const result = await load.run({
          url: `${server.url}/ignition`,
          headers: scenario.headers,
          connections,
          durationSeconds,
        });
        return { result, cpuSeconds: server.cpuSeconds() - before };
      };
      if (warmupSeconds > 0)
        for (const name of ['kindling', 'raw'] as const) await measure(name, warmupSeconds);
      const ratios = () =>
        runs.kindling.map((k, i) => k.requestsPerSecond / (runs.raw[i]?.requestsPerSecond ?? NaN));
      const settled = () => {
        const [low, high] = medianInterval(ratios());
        return high - low <= precision;
      };
      // The stopping rule looks at the interval's width only, never at the target, so it leans neither way.
      // Extra rounds come in pairs, so that an odd count keeps the median a middle round.
      const more = (round: number) => round < maxRounds && ((round - rounds) % 2 === 1 || !settled());
      for (let round = 0; round < rounds || more(round); round++) {
        for (const name of round % 2 === 0
          ? (['kindling', 'raw'] as const)
          : (['raw', 'kindling'] as const)) {
          const { result, cpuSeconds } = await measure(name, durationSeconds);
          runs[name].push(result);
          cpu[name] += cpuSeconds;
        }
      }
      const summary = (name: 'kindling' | 'raw'): ServerRuns => ({
        best: runs[name].reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a)),
        rounds: runs[name].map((r) => r.requestsPerSecond),
        requestsPerCpuSecond: runs[name].reduce((sum, r) => sum + r.requests, 0) / cpu[name],
      });
      const k = summary('kindling');
      const r = summary('raw');
      const problems = (['kindling', 'raw'] as const).flatMap((name) =>
        runs[name].flatMap((run) => problemsOf(run, scenario)).map((p) => `${name}: ${p}`),
      );
      rows.push({
        scenario: scenario.label,
        status: scenario.status,
        kindling: k,
        raw: r,
        ratio: percentile(ratios(), 50),
        ratioInterval: medianInterval(ratios()),
        bestRatio: k.best.requestsPerSecond / r.best.requestsPerSecond,
        cpuRatio: k.requestsPerCpuSecond / r.requestsPerCpuSecond,
        problems: [...new Set(problems)],
      });
      const row = rows.at(-1) as ThroughputRow;
      progress(
        `${scenario.label.padEnd(22)} kindling ${Math.round(k.best.requestsPerSecond)} req/s, ` +
          `raw ${Math.round(r.best.requestsPerSecond)} req/s (best of ${k.rounds.length}); ` +
          `ratio ${row.ratio.toFixed(2)} (median of paired rounds, 95 % interval ` +
          `${row.ratioInterval.map((x) => x.toFixed(2)).join('–')}), ${row.bestRatio.toFixed(2)} (best rounds)`,
      );
    }
  } finally {
    await Promise.all([kindling.stop(), raw.stop()]);
  }
  if (instructions && hasCallgrind()) {
    for (const scenario of scenarios.filter((s) => INSTRUCTION_ROWS.has(s.label))) {
      progress(`${scenario.label}: counting instructions under callgrind (about a minute and a half)`);
      const k = await instructionsPerRequest(
        work,
        'kindling',
        (o) => startKindling(pinning, kindlingArgs, o),
        scenario,
      );
      const r = await instructionsPerRequest(
        work,
        'raw',
        (o) => startChild(pinning, rawServerScript(work), [rawSpec], o),
        scenario,
      );
      const row = rows.find((row) => row.scenario === scenario.label);
      if (row)
        row.instructions = {
          kindling: k,
          raw: r,
          ratio: r.instructions / k.instructions,
          cycleRatio: r.cycles / k.cycles,
        };
    }
  }
  return rows;
}
