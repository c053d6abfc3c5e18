import { afterEach, describe, expect, it } from 'vitest';
import type { SourceObserver } from '../../../src/sources/SourceObserver.ts';
import { createBackoff } from '../../../src/sources/kubernetes/createBackoff.ts';
import type { SecretList, SecretsApi } from '../../../src/sources/kubernetes/createSecretsApi.ts';
import type { ListWatchSink } from '../../../src/sources/kubernetes/ListWatchSink.ts';
import { startListWatch } from '../../../src/sources/kubernetes/startListWatch.ts';
import { toSecretObject } from '../../../src/sources/kubernetes/toSecretObject.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { flush, manualClock } from '../../support/manualClock.ts';

// The supervisor alone, driven by a scripted API and a manual clock: every wait it makes is visible.

interface ScriptedWatch {
  from: string;
  emit(type: string, object: unknown): void;
  end(error: unknown): void;
  aborted: boolean;
}

function scriptedApi() {
  const lists: { resolve(list: SecretList): void; reject(error: unknown): void }[] = [];
  const watches: ScriptedWatch[] = [];
  const api: Pick<SecretsApi, 'list' | 'watch' | 'toObject'> = {
    toObject: toSecretObject,
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
  beforeFirstApply,
}: {
  random?: () => number;
  watchIdleTimeoutMs?: number;
  beforeFirstApply?: (items: readonly SecretObject[]) => Promise<void>;
} = {}) {
  const clock = manualClock();
  const { api, lists, watches } = scriptedApi();
  const calls: string[] = [];
  const sink: ListWatchSink<SecretObject> = {
    replace: (all) => calls.push(`replace ${all.map((s) => s.metadata.name).join(',')}`),
    upsert: (s) => calls.push(`upsert ${s.metadata.name}@${s.metadata.resourceVersion}`),
    remove: (s) => calls.push(`remove ${s.metadata.name}`),
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
    what: 'token secrets',
    resource: 'secrets',
    namespace: 'ns',
    backoff: createBackoff({ random }),
    relistIntervalMs: 600_000,
    watchIdleTimeoutMs,
    now: clock.now,
    random,
    timers: clock.timers,
    beforeFirstApply,
  });
  stop = handle.stop;
  return { clock, lists, watches, calls, reports, stop: handle.stop, settled: handle.settled };
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

  it('holds the first list until beforeFirstApply resolves (the list itself runs), and only the first', async () => {
    const held: string[][] = [];
    let release: () => void = () => undefined;
    const { clock, lists, watches, calls } = start({
      random: () => 0.5,
      watchIdleTimeoutMs: 3_600_000,
      beforeFirstApply: (items) => {
        held.push(items.map((s) => s.metadata.name));
        return new Promise((resolve) => (release = resolve));
      },
    });
    lists[0]?.resolve(list('10', secret('a', '1')));
    await flush();
    expect([held, calls, watches.length]).toEqual([[['a']], [], 0]);
    release();
    await flush();
    expect([calls, watches.map((w) => w.from)]).toEqual([['replace a'], ['10']]);
    await clock.advance(600_000);
    lists[1]?.resolve(list('20', secret('b', '2')));
    await flush();
    expect([held, calls]).toEqual([[['a']], ['replace a', 'replace b']]);
  });

  it('stop() while the first list is held applies nothing', async () => {
    const { lists, calls, stop } = start({ beforeFirstApply: () => new Promise(() => undefined) });
    lists[0]?.resolve(list('10', secret('a', '1')));
    await flush();
    await stop();
    expect(calls).toEqual([]);
  });

  it('settles at the first list applied, or at the first failure', async () => {
    const settledAt = async (run: ReturnType<typeof start>) => {
      let settled = false;
      void run.settled.then(() => (settled = true));
      await flush();
      return settled;
    };
    const listing = start();
    expect(await settledAt(listing)).toBe(false);
    listing.lists[0]?.resolve(list('10'));
    expect(await settledAt(listing)).toBe(true);
    await listing.stop();

    const failing = start();
    failing.lists[0]?.reject(forbidden());
    expect(await settledAt(failing)).toBe(true);
  });
});
