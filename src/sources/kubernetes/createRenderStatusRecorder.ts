import type { StoreObserver } from '../../store/StoreObserver.ts';
import { ANNOTATION_CONFIG_HASH, ANNOTATION_RENDER_STATUS } from '../../tokens/labels.ts';
import { secretKey, type SecretObject } from '../../tokens/SecretObject.ts';
import type { SourceObserver } from '../SourceObserver.ts';
import type { SecretRef, SecretsApi } from './createSecretsApi.ts';
import { describeApiFailure } from './describeApiFailure.ts';
import { hasSecretData } from '../../tokens/readSecretData.ts';
import { formatRenderStatus } from './formatRenderStatus.ts';
import type { SecretTap } from './SecretTap.ts';
import type { Timers } from './Timers.ts';

export interface RenderStatusRecorderOptions {
  api: Pick<SecretsApi, 'mergePatch'>;
  observer?: SourceObserver;
  now: () => number;
  timers: Timers;
  /** Patches in flight at once: a relist of many templates must not become a storm of writes. */
  concurrency?: number;
  /**
   * One Secret is written at most this often. Two replicas that disagree for a moment (one has not seen a
   * change yet) would otherwise take turns rewriting it, each write an event that makes the other write.
   */
  minWriteIntervalMs?: number;
  /** A write that failed (not a conflict) is tried again after this. */
  retryMs?: number;
}

type StoreHooks = Required<Pick<StoreObserver, 'rendered' | 'renderFailed' | 'secretRefused'>>;

export interface RenderStatusRecorder extends SecretTap, StoreHooks {
  /** Writes may start: the cluster data had its chance to load, so a first status is not a false failure. */
  open(): void;
  stop(): Promise<void>;
}

/** `null`: the annotation is removed; `undefined` (hash only): left as it is. */
interface Status {
  status: string | null;
  hash: string | null | undefined;
}

interface Observed extends Status {
  ref: SecretRef;
  resourceVersion: string | undefined;
  template: boolean;
}

interface Verdict {
  /** The hash of what is served for the Secret now, whichever version it came from. */
  servedHash?: string | null;
  /** Why the Secret's version `resourceVersion` was refused (its last good version may still be served). */
  refusal?: { resourceVersion: string | undefined; status: string };
}

const statusOf = (error: unknown) => (error as { code?: unknown } | null)?.code;
const matches = (seen: Status, want: Status) =>
  seen.status === want.status && (want.hash === undefined || seen.hash === want.hash);

/**
 * Writes `kindling.dev/render-status` and `kindling.dev/config-hash` on template Secrets, off the request
 * path, from what the store reports. Nothing is written when the Secret already says it, so the watch event
 * of a write (the store renders the same bytes again) ends there. Each patch carries the resourceVersion the
 * status was judged on; a 409 means a newer version exists, which the store judges again once seen.
 */
export function createRenderStatusRecorder({
  api,
  observer = {},
  now,
  timers,
  concurrency = 2,
  minWriteIntervalMs = 2_000,
  retryMs = 10_000,
}: RenderStatusRecorderOptions): RenderStatusRecorder {
  const observed = new Map<string, Observed>();
  const verdicts = new Map<string, Verdict>();
  const pending = new Map<string, Status>();
  const notBefore = new Map<string, number>();
  // What was last written on which version: until its event arrives, the same status is not written again.
  const written = new Map<string, { resourceVersion: string | undefined; status: Status }>();
  const active = new Map<string, Promise<void>>();
  const stopper = new AbortController();
  let opened = false;
  let scheduled = false;
  let wakeTimer: unknown;
  let lastReason: string | undefined;

  function outcome(result: string, key: string, reason?: string) {
    if (reason === undefined || reason === lastReason) observer.renderStatusWrite?.(result, { secret: key });
    else observer.renderStatusWrite?.(result, { secret: key, reason });
    if (result === 'written') lastReason = undefined;
    else if (reason !== undefined) lastReason = reason;
  }

  function want(key: string, status: Status) {
    const current = observed.get(key);
    const last = written.get(key);
    const nothingToWrite =
      current === undefined ||
      matches(current, status) ||
      (last !== undefined &&
        last.resourceVersion === current.resourceVersion &&
        matches(last.status, status));
    if (nothingToWrite) return void pending.delete(key);
    pending.set(key, status);
    schedule();
  }

  function schedule() {
    if (!opened || scheduled) return;
    scheduled = true;
    // Off the caller's path (a watch event being applied), and once for all the changes of one list.
    setImmediate(pump);
  }

  function pump() {
    scheduled = false;
    timers.clearTimeout(wakeTimer);
    let wakeAt = Infinity;
    for (const [key, status] of pending) {
      if (stopper.signal.aborted || active.size >= concurrency) return;
      if (active.has(key)) continue;
      const due = notBefore.get(key) ?? 0;
      if (due > now()) {
        wakeAt = Math.min(wakeAt, due);
        continue;
      }
      pending.delete(key);
      const running = write(key, status).finally(() => {
        active.delete(key);
        pump();
      });
      active.set(key, running);
    }
    if (wakeAt !== Infinity) wakeTimer = timers.setTimeout(pump, wakeAt - now());
  }

  async function write(key: string, status: Status) {
    const current = observed.get(key);
    if (!current || matches(current, status)) return;
    const { resourceVersion, ref } = current;
    const annotations: Record<string, string | null> = { [ANNOTATION_RENDER_STATUS]: status.status };
    if (status.hash !== undefined) annotations[ANNOTATION_CONFIG_HASH] = status.hash;
    notBefore.set(key, now() + minWriteIntervalMs);
    try {
      await api.mergePatch(ref, { metadata: { resourceVersion, annotations } }, stopper.signal);
      written.set(key, { resourceVersion, status });
      outcome('written', key);
    } catch (error) {
      if (stopper.signal.aborted) return;
      if (statusOf(error) === 409) return outcome('conflict', key);
      if (statusOf(error) === 404) return outcome('gone', key);
      const failure = describeApiFailure(error, {
        verb: 'patch',
        namespace: ref.namespace,
        disableWith: '--record-status=false',
      });
      outcome('failed', key, `cannot write the render status: ${failure.message}`);
      notBefore.set(key, now() + retryMs);
      if (!pending.has(key)) pending.set(key, status);
    }
  }

  function verdict(key: string): Verdict {
    const known = verdicts.get(key);
    if (known) return known;
    const fresh: Verdict = {};
    verdicts.set(key, fresh);
    return fresh;
  }

  /** The refusal of the Secret's current version, which outranks how its last good version renders. */
  const refusalNow = (key: string) => {
    const refusal = verdicts.get(key)?.refusal;
    return refusal && refusal.resourceVersion === observed.get(key)?.resourceVersion ? refusal : undefined;
  };

  function seen(secret: SecretObject) {
    const key = secretKey(secret.metadata);
    const annotations = secret.metadata.annotations ?? {};
    const entry: Observed = {
      ref: { namespace: secret.metadata.namespace ?? 'default', name: secret.metadata.name },
      resourceVersion: secret.metadata.resourceVersion,
      template: hasSecretData(secret, 'template'),
      status: annotations[ANNOTATION_RENDER_STATUS] ?? null,
      hash: annotations[ANNOTATION_CONFIG_HASH] ?? null,
    };
    observed.set(key, entry);
    // A Secret that holds a payload now: a status left from its template days would mislead.
    if (!entry.template) want(key, { status: null, hash: null });
  }

  function forget(key: string) {
    for (const map of [observed, verdicts, pending, notBefore, written]) map.delete(key);
  }

  return {
    seen,
    seenAll(secrets) {
      const listed = new Set(secrets.map((secret) => secretKey(secret.metadata)));
      for (const key of [...observed.keys()]) if (!listed.has(key)) forget(key);
      for (const secret of secrets) seen(secret);
    },
    forget: (ref) => forget(secretKey(ref)),
    rendered(key, { configHash }) {
      if (!observed.get(key)?.template) return;
      verdict(key).servedHash = configHash;
      want(key, { status: refusalNow(key)?.status ?? 'ok', hash: configHash });
    },
    renderFailed(key, error) {
      if (!observed.get(key)?.template) return;
      verdict(key).servedHash = null;
      const status = formatRenderStatus(`render-${error.rule ?? 'failed'}`, error.message);
      want(key, { status: refusalNow(key)?.status ?? status, hash: null });
    },
    secretRefused(key, error, { stillServing }) {
      const current = observed.get(key);
      if (!current?.template) return;
      const status = formatRenderStatus(error.rule ?? error.code, error.message);
      const judged = verdict(key);
      judged.refusal = { resourceVersion: current.resourceVersion, status };
      want(key, { status, hash: stillServing ? judged.servedHash : null });
    },
    open() {
      opened = true;
      schedule();
    },
    async stop() {
      stopper.abort();
      timers.clearTimeout(wakeTimer);
      pending.clear();
      await Promise.allSettled([...active.values()]);
    },
  };
}
