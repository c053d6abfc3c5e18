import type { V1Secret } from '@kubernetes/client-node';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEnvtest } from '../support/envtest.ts';
import { ROOT, startKindling, type Child } from './children.ts';
import type { Pinning } from './cpus.ts';
import { KiB, makePool, type Pool } from './payloads.ts';
import { percentile, progress, sleep } from './stats.ts';

export type WatchResult =
  | { skipped: string }
  | { failed: string }
  | { changes: number; p50Ms: number; p99Ms: number; maxMs: number; writeP50Ms: number };

const NAME = 'token-watch';

function secretOf(pool: Pool, namespace: string): V1Secret {
  return {
    metadata: {
      name: NAME,
      namespace,
      labels: { 'kindling.dev/token-secret': 'true', 'kindling.dev/pool': pool.name },
    },
    type: 'kindling.dev/token',
    stringData: { token: pool.token, payload: pool.payload.toString() },
  };
}

/** The ETag /ignition answers with now (one keep-alive connection, reused by every poll). */
function currentEtag(child: Child, token: string, agent: Agent): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    request(`${child.url}/ignition`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? String(res.headers.etag) : undefined));
    })
      .on('error', reject)
      .end();
  });
}

async function waitForEtag(child: Child, token: string, agent: Agent, differentFrom: string | undefined) {
  for (const deadline = performance.now() + 30_000; performance.now() < deadline; await sleep(1)) {
    const etag = await currentEtag(child, token, agent);
    if (etag !== undefined && etag !== differentFrom) return { etag, at: performance.now() };
  }
  throw new Error('the change never reached /ignition (30 s)');
}

/**
 * A real kube-apiserver (KUBEBUILDER_ASSETS) and kindling's kubernetes source: the token Secret's payload
 * is replaced `changes` times; each latency runs from just before the write is sent to the first /ignition
 * answer with the new ETag, polled every millisecond or so.
 */
export async function measureWatchLatency(pinning: Pinning, changes = 20): Promise<WatchResult> {
  const why = !process.env.KUBEBUILDER_ASSETS
    ? 'KUBEBUILDER_ASSETS is not set; see ../shared/k8s/envtest-assets.sh'
    : existsSync(join(ROOT, 'src/sources/kubernetes'))
      ? undefined
      : 'no kubernetes source (src/sources/kubernetes/)';
  if (why) return { skipped: why };
  progress('watch latency: starting kube-apiserver and etcd');
  try {
    return await measure(pinning, changes);
  } catch (error) {
    // The last phase: its failure is reported with the numbers of the others rather than losing them.
    progress(`watch latency failed: ${(error as Error).message}`);
    return { failed: (error as Error).message.split('\n')[0] ?? 'failed' };
  }
}

async function measure(pinning: Pinning, changes: number): Promise<WatchResult> {
  const env = await startEnvtest();
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-watch-'));
  let child: Child | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, env.kubeConfig('admin').exportConfig());
    const namespace = await env.namespace('bench');
    let pool = makePool('watch', 8 * KiB);
    await env.core.createNamespacedSecret({ namespace, body: secretOf(pool, namespace) });
    child = await startKindling(pinning, [
      '--source=kubernetes',
      `--kubeconfig=${kubeconfig}`,
      `--namespace=${namespace}`,
      '--listen=127.0.0.1:0',
    ]);
    let { etag } = await waitForEtag(child, pool.token, agent, undefined);
    const latencies: number[] = [];
    const writes: number[] = [];
    for (let i = 0; i < changes; i++) {
      pool = { ...makePool('watch', 8 * KiB), token: pool.token };
      const sent = performance.now();
      await env.core.replaceNamespacedSecret({ name: NAME, namespace, body: secretOf(pool, namespace) });
      writes.push(performance.now() - sent);
      const seen = await waitForEtag(child, pool.token, agent, etag);
      latencies.push(seen.at - sent);
      etag = seen.etag;
      await sleep(50);
    }
    progress(`watch latency: p50 ${percentile(latencies, 50).toFixed(1)} ms over ${changes} changes`);
    return {
      changes,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      writeP50Ms: percentile(writes, 50),
    };
  } finally {
    agent.destroy();
    await child?.stop();
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
