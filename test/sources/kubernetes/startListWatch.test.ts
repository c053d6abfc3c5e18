import { afterEach, describe, expect, it } from 'vitest';
import type { SourceSink } from '../../../src/sources/Source.ts';
import type { SourceObserver } from '../../../src/sources/SourceObserver.ts';
import { createBackoff } from '../../../src/sources/kubernetes/createBackoff.ts';
import type { SecretList, SecretsApi } from '../../../src/sources/kubernetes/createSecretsApi.ts';
import { startListWatch } from '../../../src/sources/kubernetes/startListWatch.ts';
import type { Timers } from '../../../src/sources/kubernetes/Timers.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';

// The supervisor alone, driven by a scripted API and a manual clock: every wait it makes is visible.

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function manualClock() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; ms: number; run: () => void }>();
  const timers: Timers = {
    setTimeout(run, ms) {
      pending.set(++next, { at: now + ms, ms, run });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    now: () => now,
    timers,
    /** The durations of the timers now pending, shortest first. */
    waits: () => [...pending.values()].map((p) => p.ms).sort((a, b) => a - b),
    /** Moves time on, running every timer that falls due on the way (also those set meanwhile), in order. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const [handle, timer] = [...pending].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
        if (handle === undefined || !timer || timer.at > end) break;
        pending.delete(handle);
        now = Math.max(now, timer.at);
        timer.run();
        await flush();
      }
      now = end;
      await flush();
    },
  };
}

interface ScriptedWatch {
  from: string;
  emit(type: string, object: unknown): void;
  end(error: unknown): void;
  aborted: boolean;
}

function scriptedApi() {
  const lists: { resolve(list: SecretList): void; reject(error: unknown): void }[] = [];
  const watches: ScriptedWatch[] = [];
  const api: Pick<SecretsApi, 'list' | 'watch'> = {
    list: (signal) =>
      new Promise((resolve, reject) => {
        lists.push({ resolve, reject });
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }),
    watch(from, onEvent) {
      let settle: (value: unknown) => void = () => undefined;
      const ended = new Promise<unknown>((resolve) => (settle = resolve));
      const watch: ScriptedWatch = { from, emit: onEvent, end: (error) => settle(error), aborted: false };
      watches.push(watch);
      return {
        ended,
        abort() {
          watch.aborted = true;
          settle(new DOMException('aborted', 'AbortError'));
        },
      };
    },
  };
  return { api, lists, watches };
}

const secret = (name: string, resourceVersion: string): SecretObject => ({
  metadata: { name, namespace: 'ns', resourceVersion },
});
const list = (resourceVersion: string, ...items: SecretObject[]): SecretList => ({ items, resourceVersion });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
const forbidden = () => Object.assign(new Error('Forbidden'), { statusCode: 403 });

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

function start({
  random = () => 1,
  watchIdleTimeoutMs = 90_000,
}: { random?: () => number; watchIdleTimeoutMs?: number } = {}) {
  const clock = manualClock();
  const { api, lists, watches } = scriptedApi();
  const calls: string[] = [];
  const sink: SourceSink = {
    replace: (all) => calls.push(`replace ${all.map((s) => s.metadata.name).join(',')}`),
    upsert: (s) => calls.push(`upsert ${s.metadata.name}@${s.metadata.resourceVersion}`),
    remove: (ref) => calls.push(`remove ${ref.name}`),
    cluster: { replace: () => undefined, upsert: () => undefined, remove: () => undefined },
  };
  const reports: string[] = [];
  const observer: SourceObserver = {
    error: (kind, message) => reports.push(`error ${kind}: ${message}`),
    repeated: (kind) => reports.push(`repeated ${kind}`),
    reconnect: () => reports.push('reconnect'),
    info: (message) => reports.push(`info ${message}`),
  };
  const handle = startListWatch({
    api,
    sink,
    observer,
    namespace: 'ns',
    backoff: createBackoff({ random }),
    relistIntervalMs: 600_000,
    watchIdleTimeoutMs,
    now: clock.now,
    random,
    timers: clock.timers,
  });
  stop = handle.stop;
  return { clock, lists, watches, calls, reports, stop: handle.stop };
}

describe('startListWatch', () => {
  it('lists, replaces, then watches from the list resourceVersion; a clean end re-watches at once from the last one', async () => {
    const { clock, lists, watches, calls } = start();
    lists[0]?.resolve(list('10', secret('a', '9')));
    await flush();
    expect(calls).toEqual(['replace a']);
    expect(watches.map((w) => w.from)).toEqual(['10']);
    const watch = watches[0] as ScriptedWatch;
    watch.emit('ADDED', secret('b', '11'));
    watch.emit('MODIFIED', secret('a', '12'));
    watch.emit('DELETED', secret('b', '13'));
    watch.emit('BOOKMARK', { kind: 'Secret', metadata: { resourceVersion: '20' } });
    expect(calls).toEqual(['replace a', 'upsert b@11', 'upsert a@12', 'remove b']);
    await clock.advance(5_000);
    watch.end(null);
    await flush();
    expect(watches.map((w) => w.from)).toEqual(['10', '20']);
    expect(lists).toHaveLength(1);
  });

  it('after any failure there is exactly one restart timer, doubling from 250 ms up to 3 s', async () => {
    const { clock, lists, watches, reports } = start();
    const waits: number[][] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      lists[attempt]?.reject(refused());
      await flush();
      waits.push(clock.waits());
      await clock.advance(clock.waits()[0] ?? 0);
    }
    expect(waits).toEqual([[250], [500], [1000], [2000], [3000], [3000]]);
    expect(reports.filter((r) => r === 'reconnect')).toHaveLength(6);
    lists[6]?.resolve(list('10'));
    await flush();
    watches[0]?.end(refused());
    await flush();
    // A successful list reset the backoff; the other timer is the periodic relist (10 min + 10 % jitter).
    expect(clock.waits()).toEqual([250, 660_000]);
  });

  it('jitters each wait between half and all of the step', async () => {
    const { clock, lists } = start({ random: () => 0 });
    lists[0]?.reject(refused());
    await flush();
    expect(clock.waits()).toEqual([125]);
  });

  it('a 410 inside the stream relists at once; a second 410 in a row waits the backoff', async () => {
    const { clock, lists, watches } = start();
    lists[0]?.resolve(list('10'));
    await flush();
    watches[0]?.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    watches[0]?.end(null);
    await flush();
    expect(lists).toHaveLength(2);
    lists[1]?.resolve(list('30'));
    await flush();
    expect(watches.map((w) => w.from)).toEqual(['10', '30']);
    watches[1]?.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    watches[1]?.end(null);
    await flush();
    expect(lists).toHaveLength(2);
    await clock.advance(250);
    expect(lists).toHaveLength(3);
  });

  it('restarts a watch that delivers nothing, not even a bookmark, for the idle limit', async () => {
    const { clock, lists, watches, reports } = start();
    lists[0]?.resolve(list('10'));
    await flush();
    await clock.advance(89_000);
    watches[0]?.emit('BOOKMARK', { metadata: { resourceVersion: '11' } });
    await clock.advance(89_000);
    expect(watches[0]?.aborted).toBe(false);
    await clock.advance(1_000);
    expect(watches[0]?.aborted).toBe(true);
    expect(reports).toContain(
      'error idle: the watch delivered nothing for 90 s, not even a bookmark; restarting it',
    );
    await clock.advance(250);
    expect(watches.map((w) => w.from)).toEqual(['10', '11']);
  });

  it('a watch closed at once with nothing delivered is a failure, not a tight loop', async () => {
    const { clock, lists, watches } = start();
    lists[0]?.resolve(list('10'));
    await flush();
    watches[0]?.end(null);
    await flush();
    expect(watches).toHaveLength(1);
    await clock.advance(250);
    expect(watches).toHaveLength(2);
  });

  it('relists on its period: the watch is stopped, the list replaces, the watch resumes from the new version', async () => {
    const { clock, lists, watches, calls } = start({ random: () => 0.5, watchIdleTimeoutMs: 3_600_000 });
    lists[0]?.resolve(list('10', secret('a', '1'), secret('b', '2')));
    await flush();
    await clock.advance(600_000);
    expect(watches[0]?.aborted).toBe(true);
    lists[1]?.resolve(list('50', secret('a', '1')));
    await flush();
    expect(calls).toEqual(['replace a,b', 'replace a']);
    expect(watches.map((w) => w.from)).toEqual(['10', '50']);
  });

  it('logs a failure once, counts its repeats, logs a new failure, and says when it recovered', async () => {
    const { clock, lists, reports } = start();
    for (const error of [forbidden(), forbidden(), forbidden(), refused()]) {
      lists.at(-1)?.reject(error);
      await flush();
      await clock.advance(clock.waits()[0] ?? 0);
    }
    lists.at(-1)?.resolve(list('10'));
    await flush();
    expect(reports.filter((r) => r !== 'reconnect' && !r.startsWith('info token secrets listed'))).toEqual([
      'error forbidden: missing RBAC permission: cannot list secrets in namespace "ns"; grant get, list and watch on secrets with a Role and RoleBinding in namespace "ns"',
      'repeated forbidden',
      'repeated forbidden',
      'error unreachable: cannot reach the API server to list secrets in namespace "ns": ECONNREFUSED',
      'info kubernetes source recovered',
    ]);
  });

  it('stop() ends it for good: the abort it causes restarts nothing, in a watch, a list or a wait', async () => {
    const watching = start();
    watching.lists[0]?.resolve(list('10'));
    await flush();
    await watching.stop();
    expect(watching.watches[0]?.aborted).toBe(true);
    await watching.clock.advance(1_000_000);
    expect([
      watching.lists.length,
      watching.watches.length,
      watching.reports.filter((r) => r.startsWith('error')),
    ]).toEqual([1, 1, []]);

    const listing = start();
    await listing.stop();
    await listing.clock.advance(1_000_000);
    expect([listing.lists.length, listing.watches.length, listing.clock.waits()]).toEqual([1, 0, []]);

    const waiting = start();
    waiting.lists[0]?.reject(refused());
    await flush();
    expect(waiting.clock.waits()).toEqual([250]);
    await waiting.stop();
    await waiting.clock.advance(1_000_000);
    expect([waiting.lists.length, waiting.clock.waits()]).toEqual([1, []]);
  });
});
