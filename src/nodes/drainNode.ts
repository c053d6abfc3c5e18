import type { KubeApi } from '../kube/KubeApi.ts';
import { deletePod } from './deletePod.ts';
import { discoverEvictionVersion, type EvictionVersion } from './discoverEvictionVersion.ts';
import { evictPod } from './evictPod.ts';
import type { PodObject } from './KubeObjects.ts';
import { listPodsOnNode } from './listPodsOnNode.ts';
import { podDisposition, type DrainPurpose } from './podDisposition.ts';

/** A pod the drain is waiting for, and why it is still there. */
export interface PendingPod {
  pod: string;
  state: 'refused' | 'terminating';
  why: string;
}

export interface DrainProgress {
  elapsedMs: number;
  /** Pods evicted (accepted by the Eviction API) or deleted so far. */
  moved: number;
  pending: PendingPod[];
}

export interface DrainResult {
  /** Every pod that had to leave is gone (or, with `force`, was deleted or is terminating). */
  done: boolean;
  evicted: string[];
  /** `force`: deleted without the Eviction API, after it refused them until the timeout. */
  deleted: string[];
  /** DaemonSet, mirror and (maintenance) tolerating pods, left where they are. */
  stayed: { pod: string; why: string }[];
  /** What is still there at the end, and why: the pods to look at after a timeout. */
  pending: PendingPod[];
  elapsedMs: number;
}

export interface DrainOptions {
  api: KubeApi;
  nodeName: string;
  purpose: DrainPurpose;
  timeoutMs: number;
  /** At the timeout, delete the pods eviction could not move, and end without waiting for terminations. */
  force?: boolean;
  /** Discovered from the API server when unset. */
  evictionVersion?: EvictionVersion;
  /** How often the pods are listed again (default 1 s, as kubectl drain polls). */
  pollIntervalMs?: number;
  /** A refused eviction is asked again no sooner than this (default 5 s, as kubectl drain retries). */
  retryIntervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (progress: DrainProgress) => void;
}

const name = (pod: PodObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
const identity = (pod: PodObject) => `${name(pod)}/${pod.metadata.uid ?? ''}`;

/**
 * Moves the pods off a node through the Eviction API, until none that must leave is left or the timeout:
 * refused evictions (a PodDisruptionBudget at its minimum) are asked again every `retryIntervalMs`, evicted
 * pods are waited for until they are gone (their grace period runs on the kubelet). Never throws for a pod
 * that cannot move: the result lists it with the API server's reason.
 */
export async function drainNode({
  api,
  nodeName,
  purpose,
  timeoutMs,
  force = false,
  evictionVersion,
  pollIntervalMs = 1_000,
  retryIntervalMs = 5_000,
  now = Date.now,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onProgress,
}: DrainOptions): Promise<DrainResult> {
  const version = evictionVersion ?? (await discoverEvictionVersion(api));
  const start = now();
  const evicted = new Set<string>();
  const deleted = new Set<string>();
  const refusedAt = new Map<string, { at: number; why: string }>();
  for (;;) {
    const pods = await listPodsOnNode(api, nodeName);
    const stayed: DrainResult['stayed'] = [];
    const pending: PendingPod[] = [];
    const leaving: PodObject[] = [];
    for (const pod of pods) {
      const disposition = podDisposition(pod, purpose);
      if (disposition.action === 'stay') stayed.push({ pod: name(pod), why: disposition.why });
      else leaving.push(pod);
    }
    for (const pod of leaving) {
      if (pod.metadata.deletionTimestamp !== undefined) {
        pending.push({ pod: name(pod), state: 'terminating', why: terminatingWhy(pod) });
        continue;
      }
      const refused = refusedAt.get(identity(pod));
      if (refused !== undefined && now() - refused.at < retryIntervalMs) {
        pending.push({ pod: name(pod), state: 'refused', why: refused.why });
        continue;
      }
      const outcome = await evictPod(api, version, pod);
      if (outcome.kind === 'evicted') {
        evicted.add(name(pod));
        refusedAt.delete(identity(pod));
        pending.push({ pod: name(pod), state: 'terminating', why: terminatingWhy(pod) });
      } else if (outcome.kind === 'refused') {
        refusedAt.set(identity(pod), { at: now(), why: outcome.why });
        pending.push({ pod: name(pod), state: 'refused', why: outcome.why });
      }
    }
    const elapsedMs = now() - start;
    const result = (done: boolean): DrainResult => ({
      done,
      evicted: [...evicted],
      deleted: [...deleted],
      stayed,
      pending,
      elapsedMs,
    });
    onProgress?.({ elapsedMs, moved: evicted.size + deleted.size, pending });
    if (pending.length === 0) return result(true);
    if (elapsedMs >= timeoutMs) {
      if (!force) return result(false);
      for (const entry of pending.filter(({ state }) => state === 'refused')) {
        const pod = leaving.find((candidate) => name(candidate) === entry.pod);
        if (pod !== undefined && (await deletePod(api, pod)) === 'deleted') {
          deleted.add(entry.pod);
          entry.state = 'terminating';
          entry.why = `deleted with --force after eviction was refused (${entry.why})`;
        }
      }
      return result(true);
    }
    await sleep(Math.min(pollIntervalMs, timeoutMs - elapsedMs));
  }
}

function terminatingWhy(pod: PodObject): string {
  const grace = pod.spec?.terminationGracePeriodSeconds;
  return `evicted, terminating (grace period ${grace ?? 30}s; the kubelet removes it once its containers stop)`;
}
