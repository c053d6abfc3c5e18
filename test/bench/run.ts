// npm run bench [-- --strict --duration=2 --rounds=9 --max-rounds=21 --precision=0.1 --warmup=1 --connections=32
//                  --pools=1000 --load-generator=wrk|autocannon --no-instructions]
//
// Builds dist/ (npm run build) and starts everything on loopback (kindling from dist/ and a raw node:http
// server in child processes, a kube-apiserver for the watch latency when KUBEBUILDER_ASSETS is set), prints
// Markdown tables on stdout, progress on stderr, and writes every number to test/bench/results/latest.json.
// Exits 1 when a target is missed only with --strict. Takes 9 to 17 minutes on two cores, 4 1/2 of them
// the callgrind counts (--no-instructions skips them).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureBootStorm } from './bootStorm.ts';
import { buildServers } from './buildServers.ts';
import { ROOT } from './children.ts';
import { planPinning } from './cpus.ts';
import { pickLoadGenerator } from './loadGenerator.ts';
import { KiB } from './payloads.ts';
import { formatReport, targetsOf, type BenchResults } from './report.ts';
import { progress } from './stats.ts';
import { measureStartup } from './startup.ts';
import { measureThroughput } from './throughput.ts';
import { measureWatchLatency } from './watchLatency.ts';

const { values } = parseArgs({
  allowNegative: true,
  options: {
    strict: { type: 'boolean', default: false },
    duration: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '9' },
    'max-rounds': { type: 'string', default: '21' },
    precision: { type: 'string', default: '0.1' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '32' },
    pools: { type: 'string', default: '1000' },
    'load-generator': { type: 'string' },
    instructions: { type: 'boolean', default: true },
  },
});
const durationSeconds = Number(values.duration);
const [rounds, maxRounds, precision] = [values.rounds, values['max-rounds'], values.precision].map(
  Number,
) as [number, number, number];
if (!(rounds >= 1) || !(maxRounds >= rounds) || (maxRounds - rounds) % 2 !== 0 || !(precision > 0)) {
  process.stderr.write(
    '--rounds must be 1 or more, --max-rounds as many or more by an even number, --precision above 0\n',
  );
  process.exit(2);
}
const connections = Number(values.connections);
const poolCount = Number(values.pools);

// Before pinning: afterwards this process sees only its own core.
const cpus = availableParallelism();
const loadBefore = loadavg()[0] ?? 0;
const pinning = planPinning();
const load = pickLoadGenerator(pinning, values['load-generator']);
const work = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
const args = process.argv.slice(2);
const command = ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
progress(`${load.name}; ${pinning.description}; work in ${work}`);

let results: BenchResults;
try {
  progress('building dist/ (npm run build) and the raw server, to run both as JavaScript as the image does');
  buildServers(work);
  const throughput = await measureThroughput({
    pinning,
    load,
    work,
    connections,
    durationSeconds,
    warmupSeconds: Number(values.warmup),
    rounds,
    maxRounds,
    precision,
    instructions: values.instructions,
  });
  const { result: startup, pools, dir } = await measureStartup(pinning, work, poolCount, 256 * KiB);
  const storm = await measureBootStorm(pinning, work, pools, dir);
  const watch = await measureWatchLatency(pinning);
  const partial = {
    command,
    date: new Date().toISOString(),
    node: process.version,
    cpus,
    loadAverage: [loadBefore, loadavg()[0] ?? 0] as [number, number],
    pinning: pinning.description,
    loadGenerator: load.name,
    connections,
    durationSeconds,
    rounds,
    maxRounds,
    precision,
    throughput,
    startup,
    storm,
    watch,
  };
  results = { ...partial, targets: targetsOf(partial) };
} finally {
  rmSync(work, { recursive: true, force: true });
}

const out = join(ROOT, 'test/bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${formatReport(results)}\n`);
progress(`wrote ${join(out, 'latest.json')}`);
const missed = results.targets.filter((t) => !t.pass);
if (missed.length > 0 && values.strict) process.exitCode = 1;
