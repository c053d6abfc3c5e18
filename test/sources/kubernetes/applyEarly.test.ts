import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../src/sources/kubernetes/createBackoff.ts';
import type { ListWatchApi } from '../../../src/sources/kubernetes/createResourceApi.ts';
import type { ListWatchSink } from '../../../src/sources/kubernetes/ListWatchSink.ts';
import { startListWatch } from '../../../src/sources/kubernetes/startListWatch.ts';
import { toSecretObject } from '../../../src/sources/kubernetes/toSecretObject.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { manualClock } from '../../support/manualClock.ts';
import { waitFor } from '../../support/waitFor.ts';

const secret = (name: string, data: Record<string, string>): SecretObject => ({
  metadata: { name, namespace: 'ns', resourceVersion: `${name}-1` },
  data,
});

describe('startListWatch applyEarly', () => {
  it('applies accepted items page by page, before the list ends, and replaces with their light form', async () => {
    const clock = manualClock();
    const calls: string[] = [];
    const pages = [
      [secret('a', { payload: 'AAAA' }), secret('t', { template: 'dA==' })],
      [secret('b', { payload: 'BBBB' })],
    ];
    const api: ListWatchApi<SecretObject> = {
      toObject: toSecretObject,
      async list(_signal, eachPage) {
        const kept: SecretObject[] = [];
        for (const page of pages) {
          calls.push(`page ${page.map((s) => s.metadata.name).join(',')}`);
          kept.push(...(eachPage ? eachPage(page) : page));
        }
        return { items: kept, resourceVersion: '9' };
      },
      watch() {
        let end: (value: unknown) => void = () => undefined;
        const ended = new Promise<unknown>((resolve) => (end = resolve));
        return { ended, abort: () => end(new DOMException('aborted', 'AbortError')) };
      },
    };
    const replaced: SecretObject[][] = [];
    const sink: ListWatchSink<SecretObject> = {
      replace: (all) => void replaced.push([...all]),
      upsert: (s) => void calls.push(`upsert ${s.metadata.name}`),
      remove: () => undefined,
    };
    const run = startListWatch({
      api,
      sink,
      observer: {},
      what: 'token secrets',
      resource: 'secrets',
      namespace: 'ns',
      backoff: createBackoff({ random: () => 1 }),
      relistIntervalMs: 600_000,
      watchIdleTimeoutMs: 90_000,
      now: clock.now,
      random: () => 1,
      timers: clock.timers,
      applyEarly: {
        accepts: (s) => s.data?.template === undefined,
        lighten: (s) => ({ ...s, data: undefined }),
      },
    });
    try {
      await waitFor(() => replaced.length === 1, { what: 'the first replace' });
      // Each accepted item reached the sink while its page was read, before the next page.
      expect(calls).toEqual(['page a,t', 'upsert a', 'page b', 'upsert b']);
      const final = replaced[0]!;
      expect(final.map((s) => s.metadata.name)).toEqual(['a', 't', 'b']);
      // Applied items come back light; the held template whole, for the replace to apply.
      expect(final.map((s) => s.data)).toEqual([undefined, { template: 'dA==' }, undefined]);
      expect(final[0]!.metadata.resourceVersion).toBe('a-1');
    } finally {
      await run.stop();
    }
  });
});
