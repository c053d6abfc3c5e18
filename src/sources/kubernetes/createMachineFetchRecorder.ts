import {
  encodeRecord,
  FIRST_FETCH_SUFFIX,
  machineTokensSecretName,
  type FirstFetchRecord,
} from '../../tokens/machineRecordsFormat.ts';
import type { SourceObserver } from '../SourceObserver.ts';
import type { SecretRef, SecretsApi } from './createSecretsApi.ts';
import { describeApiFailure } from './describeApiFailure.ts';

export interface MachineFetchRecorderOptions {
  api: Pick<SecretsApi, 'read' | 'mergePatch'>;
  /** Where `token mint` keeps the pools' Secrets: the server's namespace. */
  namespace: string;
  observer?: SourceObserver;
  now?: () => number;
  /** Pools written at once: a boot storm must not become a storm of writes to the API server. */
  concurrency?: number;
  /** Records waiting beyond this are dropped (and counted), never queued without bound. */
  maxQueued?: number;
}

export interface MachineFetchRecorder {
  /** Returns at once; the write happens later, at most once per jti in this process. */
  record(pool: string, jti: string, machine: string, remoteAddress: string): void;
  stop(): Promise<void>;
}

interface Job {
  jti: string;
  machine: string;
  record: FirstFetchRecord;
}

const statusOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/**
 * Writes `<jti>.first-fetch` in `kindling-machines-<pool>` (format v1, machineRecordsFormat.ts) the first
 * time a per-machine token is served. The Secret is read first, so a record another replica (or this one,
 * before a restart) wrote is kept; then one JSON merge patch holds every record of that pool waiting by
 * then. No resourceVersion precondition: each key has one writer, and a merge patch touches its keys alone.
 * No Secret (404): the token was not minted by the CLI, there is nothing to record into.
 */
export function createMachineFetchRecorder({
  api,
  namespace,
  observer = {},
  now = Date.now,
  concurrency = 2,
  maxQueued = 1_000,
}: MachineFetchRecorderOptions): MachineFetchRecorder {
  const attempted = new Set<string>();
  // Waiting records by pool: those of one pool go in one read and one patch.
  const waiting = new Map<string, Job[]>();
  let queued = 0;
  const active = new Set<Promise<void>>();
  const stopper = new AbortController();
  // The failure last logged: an outage or a missing permission is logged once, each failure counted.
  let lastReason: string | undefined;

  function outcome(result: string, ref: SecretRef, job: Job, reason?: string) {
    const detail = { secret: `${ref.namespace}/${ref.name}`, jti: job.jti, machine: job.machine };
    const logged = reason !== undefined && reason !== lastReason;
    observer.firstFetchWrite?.(result, logged ? { ...detail, reason } : detail);
    if (result === 'written') lastReason = undefined;
    else if (reason !== undefined) lastReason = reason;
  }

  async function write(pool: string, jobs: Job[]) {
    const ref = { namespace, name: machineTokensSecretName(pool) };
    const each = (result: string, reason?: string) => {
      for (const job of jobs) outcome(result, ref, job, reason);
    };
    try {
      const current = await api.read(ref, stopper.signal);
      if (!current) return each('gone');
      const fresh = jobs.filter((job) => current.data?.[`${job.jti}${FIRST_FETCH_SUFFIX}`] === undefined);
      for (const job of jobs) if (!fresh.includes(job)) outcome('exists', ref, job);
      if (fresh.length === 0) return;
      const data = Object.fromEntries(
        fresh.map((job) => [`${job.jti}${FIRST_FETCH_SUFFIX}`, encodeRecord(job.record)]),
      );
      await api.mergePatch(ref, { data }, stopper.signal);
      for (const job of fresh) outcome('written', ref, job);
    } catch (error) {
      if (stopper.signal.aborted) return;
      // Not minted by the CLI (or the pool's Secret was deleted): nothing to record, nothing to warn about.
      if (statusOf(error) === 404) return each('gone');
      const failure = describeApiFailure(error, {
        verb: 'patch',
        namespace,
        disableWith: '--record-first-fetch=false',
      });
      each('failed', `cannot record a machine token's first fetch: ${failure.message}`);
    }
  }

  function pump() {
    for (const [pool, jobs] of waiting) {
      if (active.size >= concurrency || stopper.signal.aborted) return;
      waiting.delete(pool);
      queued -= jobs.length;
      const running: Promise<void> = write(pool, jobs).finally(() => {
        active.delete(running);
        pump();
      });
      active.add(running);
    }
  }

  return {
    record(pool, jti, machine, remoteAddress) {
      if (stopper.signal.aborted || attempted.has(jti)) return;
      attempted.add(jti);
      const job: Job = {
        jti,
        machine,
        record: { at: new Date(now()).toISOString(), from: remoteAddress.replace(/^::ffff:/, '') },
      };
      if (queued >= maxQueued) {
        const ref = { namespace, name: machineTokensSecretName(pool) };
        return outcome('dropped', ref, job, `first-fetch records are ${maxQueued} behind; dropping some`);
      }
      const jobs = waiting.get(pool);
      if (jobs) jobs.push(job);
      else waiting.set(pool, [job]);
      queued++;
      // Off the request path: the answer is sent before any of this runs.
      setImmediate(pump);
    },
    async stop() {
      stopper.abort();
      waiting.clear();
      queued = 0;
      await Promise.allSettled([...active]);
    },
  };
}
