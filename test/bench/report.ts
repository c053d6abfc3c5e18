import type { StormResult, StormResults } from './bootStorm.ts';
import type { SimulatedCost } from './instructions.ts';
import type { StartupResult } from './startup.ts';
import type { ThroughputRow } from './throughput.ts';
import type { WatchResult } from './watchLatency.ts';

export interface Target {
  name: string;
  value: number;
  /** How `value` must compare to `limit`. */
  want: '>=' | '<=';
  limit: number;
  pass: boolean;
  note?: string;
}

export interface BenchResults {
  command: string;
  date: string;
  node: string;
  cpus: number;
  /** 1-minute load average when the bench started and when it ended: other work on the machine. */
  loadAverage: [number, number];
  pinning: string;
  loadGenerator: string;
  connections: number;
  durationSeconds: number;
  /** Paired rounds a row runs at least, and at most while its median's 95 % interval is wider than `precision`. */
  rounds: number;
  maxRounds: number;
  precision: number;
  throughput: ThroughputRow[];
  startup?: StartupResult;
  storm?: StormResults;
  watch?: WatchResult;
  targets: Target[];
}

const target = (name: string, value: number, want: Target['want'], limit: number, note?: string): Target => ({
  name,
  value,
  want,
  limit,
  pass: !note && (want === '>=' ? value >= limit : value <= limit),
  ...(note ? { note } : {}),
});

/** The issue's targets, each a ratio measured in this run; a row whose answers were wrong fails its target. */
export function targetsOf(results: Omit<BenchResults, 'targets'>): Target[] {
  const targets: Target[] = [];
  for (const row of results.throughput) {
    if (row.status !== 200 && row.status !== 401) continue;
    const note = row.problems.length > 0 ? row.problems.join('; ') : undefined;
    targets.push(target(`${row.scenario}: req/s vs raw node:http`, row.ratio, '>=', 0.9, note));
  }
  const { startup, storm } = results;
  if (startup) targets.push(target('memory per held payload / its size', startup.perPoolRatio, '<=', 2.5));
  if (storm) {
    for (const name of ['cold', 'warm'] as const) {
      const { succeeded, machines, errors } = storm[name];
      const note = errors.length > 0 ? errors.join('; ') : undefined;
      targets.push(target(`boot storm (${name}): machines served`, succeeded / machines, '>=', 1, note));
    }
  }
  return targets;
}

const n = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
const ms = (value: number) => `${n(value, value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
const MiB = (bytes: number) => `${n(bytes / 1024 ** 2, 1)} MiB`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The human summary: Markdown tables, so the README can take them as they are. */
export function formatReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `kindling bench, ${r.date}: Node ${r.node}, ${r.cpus} cores (load average ${n(r.loadAverage[0], 1)} at ` +
      `the start, ${n(r.loadAverage[1], 1)} at the end), ${r.pinning}; ${r.loadGenerator}, ` +
      `${r.connections} keep-alive connections, ${r.rounds} interleaved runs of ${r.durationSeconds} s per server ` +
      `(up to ${r.maxRounds} while the ratio's 95 % interval is wider than ${r.precision}), plain HTTP on loopback`,
    `command: ${r.command}`,
    '',
    '### GET /ignition: kindling beside a raw node:http server serving the same bytes from a Map',
    '',
    table(
      [
        'request',
        'kindling req/s',
        'p50',
        'p99',
        'raw req/s',
        'p50',
        'p99',
        'ratio',
        '95 % interval',
        'rounds',
        'best-run ratio',
        'per CPU-s ratio',
      ],
      r.throughput.map((row) => [
        row.scenario + (row.problems.length > 0 ? ' (!)' : ''),
        n(row.kindling.best.requestsPerSecond),
        ms(row.kindling.best.p50Ms),
        ms(row.kindling.best.p99Ms),
        n(row.raw.best.requestsPerSecond),
        ms(row.raw.best.p50Ms),
        ms(row.raw.best.p99Ms),
        n(row.ratio, 2),
        row.ratioInterval.map((x) => n(x, 2)).join('–'),
        String(row.kindling.rounds.length),
        n(row.bestRatio, 2),
        n(row.cpuRatio, 2),
      ]),
    ),
    '(req/s, p50, p99: the best run of each server; ratio, the target: the median over rounds of kindling ' +
      "over raw in req/s, each round's two runs back to back, with the median's distribution-free 95 % " +
      "interval; best-run ratio: kindling's best run over raw's, " +
      'which may be minutes apart; per CPU-s ratio: requests per second of server CPU time over all runs)',
  );
  for (const row of r.throughput.filter((row) => row.problems.length > 0)) {
    out.push(`(!) ${row.scenario}: ${row.problems.join('; ')}`);
  }
  const counted = r.throughput.flatMap(({ scenario, instructions }) =>
    instructions ? [{ scenario, instructions }] : [],
  );
  if (counted.length > 0) {
    out.push(
      '',
      'Per request on the main thread, under callgrind with its cache and branch simulation (user space; the same',
      'whatever else the machine does):',
      '',
      table(
        [
          'request',
          'instructions, kindling / raw',
          'ratio',
          'L1 misses',
          'last-level misses',
          'mispredicted',
          'est. cycles ratio',
        ],
        counted.map(({ scenario, instructions: i }) => {
          const pair = (f: (c: SimulatedCost) => number) => `${n(f(i.kindling))} / ${n(f(i.raw))}`;
          return [
            scenario,
            pair((c) => c.instructions),
            n(i.ratio, 2),
            pair((c) => c.l1Misses),
            pair((c) => c.llMisses),
            pair((c) => c.mispredicts),
            n(i.cycleRatio, 2),
          ];
        }),
      ),
      "(ratios are raw's over kindling's; est. cycles: instructions + 10 × (L1 misses + mispredicted) + 100 × " +
        "last-level misses, KCachegrind's estimate. valgrind's CPU model runs OpenSSL's SHA-256, one per token, " +
        "without the CPU's SHA extensions: kindling's count includes several thousand instructions that real " +
        'hardware does not spend)',
    );
  }
  if (r.storm) {
    const { cold, warm, warmRaw, secretsAddedAtMs } = r.storm;
    out.push(
      '',
      `### Boot storm: ${n(cold.machines)} machines, one 256 KiB payload each (their pool's), Ignition's retry schedule`,
      '',
      table(
        ['storm', 'served', 'total', 'done p50', 'done p99', 'fetch p50', 'fetch p99', 'no answer', '5xx'],
        [
          ['cold: start with the server; Secrets added once it listens', cold],
          ['warm: all at once against the loaded server', warm],
          ['warm, raw node:http server with the same answers', warmRaw],
        ].map(([label, s]) => {
          const storm = s as StormResult;
          return [
            label as string,
            `${n(storm.succeeded)}/${n(storm.machines)}`,
            ms(storm.totalMs),
            ms(storm.doneP50Ms),
            ms(storm.doneP99Ms),
            ms(storm.fetchP50Ms),
            ms(storm.fetchP99Ms),
            n(storm.noAnswer),
            n(storm.answered5xx),
          ];
        }),
      ),
      `(cold: the Secrets were added ${ms(secretsAddedAtMs)} after the machines started; "done" counts from the ` +
        `storm's start, "fetch" is the successful request alone; "no answer" (connection refused, reset, or no ` +
        'headers within 10 s) and 5xx are attempts Ignition would retry)',
    );
  }
  if (r.startup) {
    const s = r.startup;
    const b = s.breakdown;
    out.push(
      '',
      `### Start-up: ${n(s.pools)} pools of ${n(s.payloadBytes / 1024)} KiB from the directory source`,
      '',
      table(
        ['', 'ready after', 'every gzip made after', 'resident memory (then)'],
        [
          ['no pool', ms(s.emptyReadyMs), '', MiB(s.emptyRssBytes)],
          [`${n(s.pools)} pools`, ms(s.readyMs), ms(s.gzipMs), MiB(s.rssBytes)],
        ],
      ),
      `per pool: ${n(s.bytesPerPool / 1024)} KiB resident = ${n(s.perPoolRatio, 2)} × the payload ` +
        `(store: payloads ${MiB(b['kindling_store_bytes{kind="payloads"}'] ?? NaN)}, derived ` +
        `${MiB(b['kindling_store_bytes{kind="cache"}'] ?? NaN)}; V8 heap used ` +
        `${MiB(b['kindling_nodejs_heap_size_used_bytes'] ?? NaN)}, external ${MiB(b['kindling_nodejs_external_memory_bytes'] ?? NaN)})`,
    );
  }
  if (r.watch) {
    out.push('', '### Watch latency: Secret replaced in a real kube-apiserver → new answer on /ignition', '');
    if ('skipped' in r.watch) out.push(`skipped (${r.watch.skipped})`);
    else if ('failed' in r.watch) out.push(`FAILED: ${r.watch.failed}`);
    else {
      const w = r.watch;
      out.push(
        `${w.changes} changes: p50 ${ms(w.p50Ms)}, p99 ${ms(w.p99Ms)}, max ${ms(w.maxMs)} ` +
          `(of which the API write itself, p50: ${ms(w.writeP50Ms)})`,
      );
    }
  }
  out.push(
    '',
    '### Targets',
    '',
    table(
      ['target', 'measured', 'wanted', ''],
      r.targets.map((t) => [
        t.name,
        n(t.value, 2),
        `${t.want === '>=' ? '≥' : '≤'} ${n(t.limit, 2)}`,
        t.pass ? 'PASS' : 'FAIL',
      ]),
    ),
  );
  for (const t of r.targets.filter((t) => t.note)) out.push(`FAIL ${t.name}: ${t.note}`);
  return out.join('\n');
}
