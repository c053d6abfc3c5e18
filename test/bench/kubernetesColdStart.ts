// Issue "Watch" figure: N token Secrets of 256 KiB in a real kube-apiserver → kindling ready, and its resident
// memory per payload byte (over the same server with no Secret). Run:
//   KUBEBUILDER_ASSETS=$(../shared/k8s/envtest-assets.sh | tail -n1) node test/bench/kubernetesColdStart.ts [N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import { startEnvtest, type Envtest } from '../support/envtest.ts';
import { KiB, makePool, tokenSecretFile } from './payloads.ts';

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

/** Starts `kindling serve --source kubernetes` and resolves when it logs its first full load. */
async function timeToReady(
  kubeconfig: string,
  namespace: string,
): Promise<{ readyMs: number; rssMiB: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      'src/cli/main.ts',
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
  try {
    const deadline = Date.now() + 120_000;
    while (!out.includes('first full load applied')) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`kindling did not become ready:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const readyMs = performance.now() - started;
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
    return { readyMs, rssMiB: rssKiB / 1024 };
  } finally {
    child.kill('SIGTERM');
  }
}

const count = Number(process.argv[2] ?? 1000);
const env = await startEnvtest();
try {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kindling-cold-')), 'kubeconfig');
  writeFileSync(kubeconfig, env.kubeConfig('admin').exportConfig());
  const empty = await timeToReady(kubeconfig, await env.namespace('cold-empty'));
  const namespace = await env.namespace('cold');
  const t0 = performance.now();
  await createSecrets(env, namespace, count);
  process.stderr.write(
    `[cold-start] created ${count} Secrets in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  const loaded = await timeToReady(kubeconfig, namespace);
  const perPayload = ((loaded.rssMiB - empty.rssMiB) * 1024 * 1024) / (count * PAYLOAD);
  console.log(
    `${count} Secrets of 256 KiB: ready in ${(loaded.readyMs / 1000).toFixed(1)} s (none: ${(empty.readyMs / 1000).toFixed(1)} s); ` +
      `RSS ${loaded.rssMiB.toFixed(0)} MiB (none: ${empty.rssMiB.toFixed(0)} MiB) = ${perPayload.toFixed(2)} × the payload bytes`,
  );
} finally {
  await env.stop();
}
