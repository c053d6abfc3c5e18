import type { SourceObserver } from '../SourceObserver.ts';
import { applyWatchEvent } from './applyWatchEvent.ts';
import type { Backoff } from './createBackoff.ts';
import { createFailureReport } from './createFailureReport.ts';
import type { ListWatchApi, WatchHandle } from './createResourceApi.ts';
import { describeApiFailure, type ApiFailure } from './describeApiFailure.ts';
import type { ListWatchSink } from './ListWatchSink.ts';
import type { Timers } from './Timers.ts';

export interface ListWatchOptions<T> {
  api: ListWatchApi<T>;
  sink: ListWatchSink<T>;
  observer: SourceObserver;
  /** What is watched, for log lines: `token secrets`, `cluster-info`… */
  what: string;
  /** The resource as RBAC names it (`secrets`, `configmaps/cluster-info`), for failure messages. */
  resource: string;
  /** undefined: all namespaces (for messages only; the api is already scoped). */
  namespace: string | undefined;
  backoff: Backoff;
  /** A full relist on this period (±10 %) repairs whatever a watch may have missed. */
  relistIntervalMs: number;
  /** A watch silent this long (no event, not even a bookmark) is restarted. */
  watchIdleTimeoutMs: number;
  /** A watch closed cleanly sooner than this, having delivered nothing, counts as a failure (no tight loop). */
  minWatchMs?: number;
  /**
   * Awaited between the first list and its `replace`: the list itself is not held up, only its application
   * (the token Secrets wait a bounded moment for the cluster data their templates read).
   */
  beforeFirstApply?: (items: readonly T[]) => Promise<void>;
  /**
   * Items applied as their list page arrives, before the list is complete, and kept only in the light form
   * `lighten` gives them for the final `replace` (which then finds them held already). For large objects
   * that need nothing else first: a thousand payloads are never all held twice, and fetching overlaps
   * applying.
   */
  applyEarly?: { accepts(item: T): boolean; lighten(item: T): T };
  now: () => number;
  random: () => number;
  timers: Timers;
}

export interface ListWatchRun {
  /** Settles once the first list was applied or the first failure reported, whichever comes first. */
  readonly settled: Promise<void>;
  stop(): Promise<void>;
}

type WatchEnd = { failure?: ApiFailure; relist?: boolean };

/**
 * List, then watch from the list's resourceVersion, for as long as it runs. Every failure goes through one
 * place: it is reported (a repeat of the same failure only counted), then the single restart timer waits
 * the backoff's step. A 410 relists at once; a clean end of the watch re-watches at once.
 */
export function startListWatch<T>({
  api,
  sink,
  observer,
  what,
  resource,
  namespace,
  backoff,
  relistIntervalMs,
  watchIdleTimeoutMs,
  minWatchMs = 1_000,
  beforeFirstApply,
  applyEarly,
  now,
  random,
  timers,
}: ListWatchOptions<T>): ListWatchRun {
  let stopping = false;
  let applied = false;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let resourceVersion: string | undefined;
  let relistDue = false;
  let relistTimer: unknown;
  let listing: AbortController | undefined;
  let watching: WatchHandle | undefined;
  let wake: (() => void) | undefined;
  const report = createFailureReport({ observer, namespace, watch: what, now });
  const fail = (failure: ApiFailure) => {
    report.failed(failure);
    settle();
  };
  const healthy = () => {
    backoff.reset();
    report.recovered();
  };

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        wake = undefined;
        resolve();
      };
      const handle = timers.setTimeout(done, ms);
      wake = () => {
        timers.clearTimeout(handle);
        done();
      };
    });
  }

  async function relist() {
    relistDue = false;
    timers.clearTimeout(relistTimer);
    listing = new AbortController();
    const list = await api.list(
      listing.signal,
      applyEarly &&
        ((items) =>
          items.map((item) => {
            if (!applyEarly.accepts(item)) return item;
            sink.upsert(item);
            return applyEarly.lighten(item);
          })),
    );
    listing = undefined;
    if (!applied && beforeFirstApply) await Promise.race([beforeFirstApply(list.items), stopped]);
    if (stopping) return;
    sink.replace(list.items);
    applied = true;
    settle();
    resourceVersion = list.resourceVersion;
    observer.synced?.();
    observer.info?.(`${what} listed`, { count: list.items.length, resourceVersion });
    healthy();
    relistTimer = timers.setTimeout(
      () => {
        relistDue = true;
        watching?.abort();
      },
      relistIntervalMs * (0.9 + 0.2 * random()),
    );
  }

  function watch(from: string): Promise<WatchEnd> {
    const startedAt = now();
    let delivered = false;
    let status: unknown;
    let idle = false;
    let idleTimer: unknown;
    let handle: WatchHandle | undefined;
    return new Promise((resolve) => {
      const armIdle = () => {
        timers.clearTimeout(idleTimer);
        idleTimer = timers.setTimeout(() => {
          idle = true;
          handle?.abort();
        }, watchIdleTimeoutMs);
      };
      handle = api.watch(from, (type, object) => {
        if (type === 'ERROR') {
          status = object;
          return;
        }
        try {
          if (!applyWatchEvent(sink, type, object, api.toObject)) return;
        } catch (error) {
          fail({ kind: 'internal', message: `applying a ${type} event failed: ${(error as Error).message}` });
          return;
        }
        const version = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
          ?.resourceVersion;
        if (typeof version === 'string' && version !== '') resourceVersion = version;
        armIdle();
        observer.synced?.();
        if (!delivered) healthy();
        delivered = true;
      });
      watching = handle;
      armIdle();
      void handle.ended.then((error) => {
        timers.clearTimeout(idleTimer);
        watching = undefined;
        resolve(ending(error));
      });
    });

    function ending(error: unknown): WatchEnd {
      if (stopping || relistDue) return {};
      if (idle) {
        const seconds = watchIdleTimeoutMs / 1000;
        return {
          failure: {
            kind: 'idle',
            message: `the watch delivered nothing for ${seconds} s, not even a bookmark; restarting it`,
          },
        };
      }
      if (status === undefined && error === null) {
        if (!delivered && now() - startedAt < minWatchMs) {
          const message = 'the API server closed the watch at once without sending anything';
          return { failure: { kind: 'closed', message } };
        }
        // The server's own timeout: the view was current until now.
        observer.synced?.();
        healthy();
        return {};
      }
      const failure = describeApiFailure(status ?? error, { verb: 'watch', resource, namespace });
      if (failure.kind !== 'expired') return { failure };
      return {
        failure: { ...failure, message: 'the watch resourceVersion expired (410); relisting' },
        relist: true,
      };
    }
  }

  async function run() {
    let expiredInARow = 0;
    while (!stopping) {
      let end: WatchEnd = {};
      try {
        if (resourceVersion === undefined || relistDue) await relist();
        if (!stopping && resourceVersion !== undefined) end = await watch(resourceVersion);
      } catch (error) {
        listing = undefined;
        end = { failure: describeApiFailure(error, { verb: 'list', resource, namespace }) };
      }
      if (stopping) continue;
      if (!end.failure) {
        expiredInARow = 0;
        continue;
      }
      fail(end.failure);
      observer.reconnect?.();
      if (end.relist) resourceVersion = undefined;
      // The first 410 relists at once; a server that keeps answering 410 gets the backoff like any failure.
      expiredInARow = end.relist ? expiredInARow + 1 : 0;
      if (expiredInARow !== 1) await sleep(backoff.next());
    }
  }

  const running = run();
  return {
    settled,
    async stop() {
      stopping = true;
      markStopped();
      settle();
      timers.clearTimeout(relistTimer);
      listing?.abort();
      watching?.abort();
      wake?.();
      await running;
    },
  };
}
