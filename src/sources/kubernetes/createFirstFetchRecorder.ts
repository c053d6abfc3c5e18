import { fingerprint } from '../../tokens/hashToken.ts';
import {
  ANNOTATION_FIRST_FETCH_AT,
  ANNOTATION_FIRST_FETCH_FROM,
  ANNOTATION_FIRST_FETCH_TOKEN,
} from '../../tokens/labels.ts';
import { claimedTokenHashes } from '../../tokens/parseTokenSecret.ts';
import { secretKey, type SecretObject } from '../../tokens/SecretObject.ts';
import type { TokenSecret } from '../../tokens/TokenSecret.ts';
import type { SourceObserver } from '../SourceObserver.ts';
import type { SecretRef, SecretsApi } from './createSecretsApi.ts';
import { describeApiFailure } from './describeApiFailure.ts';

export interface FirstFetchRecorderOptions {
  api: Pick<SecretsApi, 'read' | 'mergePatch'>;
  observer?: SourceObserver;
  now?: () => number;
  /** Patches in flight at once: a boot storm must not become a storm of writes to the API server. */
  concurrency?: number;
  /** Records waiting beyond this are dropped (and counted), never queued without bound. */
  maxQueued?: number;
  /** Writes tried per record when other writers keep changing the Secret (409 Conflict). */
  maxAttempts?: number;
}

export interface FirstFetchRecorder {
  /** Every Secret the source sees, so a record another replica already wrote is not written again. */
  seen(secret: SecretObject): void;
  /** A full list: what it does not hold is forgotten. */
  seenAll(secrets: readonly SecretObject[]): void;
  forget(ref: { namespace?: string | undefined; name: string }): void;
  /** Returns at once; the write happens later, at most once per token in this process. */
  record(secret: TokenSecret, tokenHash: string, remoteAddress: string): void;
  stop(): Promise<void>;
}

interface Job {
  ref: SecretRef;
  resourceVersion: string | undefined;
  tokenHash: string;
  at: number;
  from: string;
}

const statusOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/**
 * Writes `kindling.dev/first-fetch-*` on a token Secret the first time its token is served. Optimistic
 * concurrency: the patch carries the resourceVersion the answer was served from; on 409 the Secret is read
 * again and the write retried only if the token is still this Secret's and nobody recorded it meanwhile.
 */
export function createFirstFetchRecorder({
  api,
  observer = {},
  now = Date.now,
  concurrency = 2,
  maxQueued = 1_000,
  maxAttempts = 3,
}: FirstFetchRecorderOptions): FirstFetchRecorder {
  const attempted = new Set<string>();
  const recorded = new Map<string, string>();
  const queue: Job[] = [];
  const active = new Set<Promise<void>>();
  const stopper = new AbortController();
  // The failure last logged: an outage or a missing permission is logged once, each failure counted.
  let lastReason: string | undefined;

  function outcome(result: string, job: Job, reason?: string) {
    const detail = { secret: secretKey(job.ref), tokenFingerprint: fingerprint(job.tokenHash) };
    if (reason === undefined || reason === lastReason) {
      observer.firstFetchWrite?.(result, detail);
    } else {
      observer.firstFetchWrite?.(result, { ...detail, reason });
    }
    if (result === 'written') lastReason = undefined;
    else if (reason !== undefined) lastReason = reason;
  }

  function patchFor(job: Job, resourceVersion: string | undefined) {
    const annotations = {
      [ANNOTATION_FIRST_FETCH_AT]: new Date(job.at).toISOString(),
      [ANNOTATION_FIRST_FETCH_FROM]: job.from.replace(/^::ffff:/, ''),
      [ANNOTATION_FIRST_FETCH_TOKEN]: fingerprint(job.tokenHash),
    };
    return { metadata: { resourceVersion, annotations } };
  }

  async function write(job: Job) {
    let resourceVersion = job.resourceVersion;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await api.mergePatch(job.ref, patchFor(job, resourceVersion), stopper.signal);
          return outcome('written', job);
        } catch (error) {
          if (statusOf(error) !== 409) throw error;
          if (attempt >= maxAttempts)
            return outcome(
              'conflict',
              job,
              `first-fetch record of ${secretKey(job.ref)} gave up after ${attempt} conflicting writes`,
            );
        }
        const current = await api.read(job.ref, stopper.signal);
        if (!current) return outcome('gone', job);
        if (!claimedTokenHashes(current).includes(job.tokenHash)) return outcome('stale', job);
        if (current.metadata.annotations?.[ANNOTATION_FIRST_FETCH_TOKEN] === fingerprint(job.tokenHash)) {
          return outcome('exists', job);
        }
        resourceVersion = current.metadata.resourceVersion;
      }
    } catch (error) {
      if (stopper.signal.aborted) return;
      if (statusOf(error) === 404) return outcome('gone', job);
      const failure = describeApiFailure(error, {
        verb: 'patch',
        namespace: job.ref.namespace,
        disableWith: '--record-first-fetch=false',
      });
      outcome('failed', job, `cannot record the first fetch: ${failure.message}`);
    }
  }

  function pump() {
    while (active.size < concurrency && queue.length > 0 && !stopper.signal.aborted) {
      const job = queue.shift() as Job;
      const running: Promise<void> = write(job).finally(() => {
        active.delete(running);
        pump();
      });
      active.add(running);
    }
  }

  function seen(secret: SecretObject) {
    const key = secretKey(secret.metadata);
    const token = secret.metadata.annotations?.[ANNOTATION_FIRST_FETCH_TOKEN];
    if (token === undefined) recorded.delete(key);
    else recorded.set(key, token);
  }

  return {
    seen,
    seenAll(secrets) {
      recorded.clear();
      for (const secret of secrets) seen(secret);
    },
    forget(ref) {
      recorded.delete(secretKey(ref));
    },
    record(secret, tokenHash, remoteAddress) {
      if (stopper.signal.aborted || attempted.has(tokenHash)) return;
      attempted.add(tokenHash);
      const job: Job = {
        ref: { namespace: secret.namespace, name: secret.name },
        resourceVersion: secret.resourceVersion,
        tokenHash,
        at: now(),
        from: remoteAddress,
      };
      if (recorded.get(secret.key) === fingerprint(tokenHash)) return outcome('exists', job);
      if (queue.length >= maxQueued) {
        return outcome('dropped', job, `first-fetch records are ${maxQueued} behind; dropping some`);
      }
      queue.push(job);
      // Off the request path: the answer is sent before any of this runs.
      setImmediate(pump);
    },
    async stop() {
      stopper.abort();
      queue.length = 0;
      await Promise.allSettled([...active]);
    },
  };
}
