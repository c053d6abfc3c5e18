// Issue "Watch" figure: N token Secrets of 256 KiB in a real kube-apiserver → kindling ready, and its resident
// memory per payload byte (over the same server with no Secret). Run:
//   KUBEBUILDER_ASSETS=$(../shared/k8s/envtest-assets.sh | tail -n1) node test/bench/kubernetesColdStart.ts [N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import { createSecretsApi } from '../../src/sources/kubernetes/createSecretsApi.ts';
import { imageNodeFlags } from '../deploy/imageNodeFlags.ts';
import { startEnvtest, type Envtest } from '../support/envtest.ts';
import { buildKindling } from './buildServers.ts';
import { KINDLING_SCRIPT } from './children.ts';
import { KiB, MiB, makePool, tokenSecretFile } from './payloads.ts';

const PAYLOAD = 256 * KiB;

async function createSecrets(env: Envtest, namespace: string, count: number) {
  const names = Array.from({ length: count }, (_, i) => `pool-${i}`);
  let created = 0;
  // Eight writers: the API server, not this loop, is what takes the time.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let name = names.shift(); name !== undefined; name = names.shift()) {
        const body = JSON.parse(tokenSecretFile(makePool(name, PAYLOAD))) as V1Secret;
        body.metadata = { ...body.metadata, namespace };
        await env.core.createNamespacedSecret({ namespace, body });
        if (++created % 100 === 0) process.stderr.write(`[cold-start] created ${created}/${count}\n`);
      }
    }),
  );
}

interface ColdStart {
  readyMs: number;
  rssMiB: number;
  /** When every payload's gzip was made too (identity is served to gzip clients until then). */
  settledMs: number;
  settledRssMiB: number;
}

const rssMiB = (pid: number | undefined) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function gzipPending(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(/kindling_store\{kind="gzip_pending"\} (\d+)/.exec(text)?.[1] ?? NaN);
}

/** Starts `kindling serve --source kubernetes`; resolves once it is ready, and again once its gzip is made. */
async function coldStart(kubeconfig: string, namespace: string): Promise<ColdStart> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      // node as the image runs kindling.
      ...imageNodeFlags(),
      KINDLING_SCRIPT,
      'serve',
      '--source',
      'kubernetes',
      '--namespace',
      namespace,
      '--kubeconfig',
      kubeconfig,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        KINDLING_PLAIN_HTTP: 'true',
        KINDLING_LISTEN: '127.0.0.1:0',
        KINDLING_METRICS_LISTEN: '127.0.0.1:0',
        KINDLING_LOG_REQUESTS: 'false',
        KINDLING_RECORD_STATUS: 'false',
      },
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const until = async (what: string, done: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 120_000;
    while (!(await done())) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`kindling: no ${what}:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    await until('first full load', () => out.includes('first full load applied'));
    const readyMs = performance.now() - started;
    const rss = rssMiB(child.pid);
    await until('metrics URL', () => out.includes('"metricsUrl"'));
    const metricsUrl = String(/"metricsUrl":"([^"]+)"/.exec(out)?.[1]);
    await until('end of gzip', async () => (await gzipPending(metricsUrl)) === 0);
    return { readyMs, rssMiB: rss, settledMs: performance.now() - started, settledRssMiB: rssMiB(child.pid) };
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * The API server alone: the same paged list kindling makes (protobuf, the same page size, the next page
 * asked for while one is decoded), read and decoded, nothing applied. The floor of a cold start.
 */
async function listOnly(env: Envtest, namespace: string): Promise<number> {
  const api = createSecretsApi({
    kubeConfig: env.kubeConfig('admin'),
    namespace,
    labelSelector: 'kindling.dev/token-secret=true',
    watchTimeoutSeconds: 60,
    watchIdleTimeoutMs: 90_000,
  });
  const started = performance.now();
  await api.list(AbortSignal.timeout(60_000));
  return performance.now() - started;
}

const count = Number(process.argv[2] ?? 1000);
buildKindling();
const env = await startEnvtest();
try {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kindling-cold-')), 'kubeconfig');
  writeFileSync(kubeconfig, env.kubeConfig('admin').exportConfig());
  const empty = await coldStart(kubeconfig, await env.namespace('cold-empty'));
  const namespace = await env.namespace('cold');
  const t0 = performance.now();
  await createSecrets(env, namespace, count);
  process.stderr.write(
    `[cold-start] created ${count} Secrets in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  const floorMs = await listOnly(env, namespace);
  const loaded = await coldStart(kubeconfig, namespace);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const ratio = (mib: number) => (((mib - empty.settledRssMiB) * MiB) / (count * PAYLOAD)).toFixed(2);
  console.log(
    `${count} Secrets of 256 KiB: ready in ${s(loaded.readyMs)} (no Secret: ${s(empty.readyMs)}; ` +
      `the API server's list alone: ${s(floorMs)}), every gzip made at ${s(loaded.settledMs)}\n` +
      `RSS over a server with no Secret (${empty.settledRssMiB.toFixed(0)} MiB): ` +
      `${ratio(loaded.rssMiB)} × the payload bytes at ready, ${ratio(loaded.settledRssMiB)} × once every gzip is made`,
  );
} finally {
  await env.stop();
}
