import { describe, expect, it } from 'vitest';
import type { MachineReportStore } from '../../src/machines/MachineReportStore.ts';
import { createDeferredSource } from '../../src/sources/createDeferredSource.ts';
import type { Source, SourceSink } from '../../src/sources/Source.ts';
import type { StoreObserver } from '../../src/store/StoreObserver.ts';
import type { TokenSecret } from '../../src/tokens/TokenSecret.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';

/** A source that records what reaches it. */
function recordingSource() {
  const calls: string[] = [];
  const storeObserver: StoreObserver = {};
  const machineReports = {} as MachineReportStore;
  const source: Source = {
    description: 'inner (namespace kindling)',
    machineReports,
    storeObserver,
    async start(sink) {
      calls.push('start');
      sink.replace([]);
    },
    async stop() {
      calls.push('stop');
    },
    recordFetch: (_secret, tokenHash, remoteAddress) =>
      void calls.push(`fetch ${tokenHash} ${remoteAddress}`),
    recordMachineFetch: (pool, jti, machine, remoteAddress) =>
      void calls.push(`machine ${pool} ${jti} ${machine} ${remoteAddress}`),
  };
  return { source, calls, storeObserver, machineReports };
}

const secret = {} as TokenSecret;

describe('createDeferredSource', () => {
  it('loads nothing until start, then forwards everything to the loaded source', async () => {
    const inner = recordingSource();
    let loads = 0;
    const source = createDeferredSource({
      description: 'kubernetes (default namespace, selector s)',
      load: async () => (loads++, inner.source),
    });
    expect(loads).toBe(0);
    expect(source.description).toBe('kubernetes (default namespace, selector s)');
    expect(source.machineReports).toBeUndefined();
    expect(source.storeObserver).toBeUndefined();
    // Before the load there is no recorder: dropped, not queued, and no error.
    source.recordFetch?.(secret, 'h0', '10.0.0.1');

    const store = createPayloadStore();
    await source.start(store);
    expect(loads).toBe(1);
    expect(store.ready).toBe(true);
    expect(source.description).toBe('inner (namespace kindling)');
    expect(source.machineReports).toBe(inner.machineReports);
    expect(source.storeObserver).toBe(inner.storeObserver);
    source.recordFetch?.(secret, 'h1', '10.0.0.2');
    source.recordMachineFetch?.('workers', 'j1', 'm1', '10.0.0.3');
    await source.stop();
    expect(inner.calls).toEqual(['start', 'fetch h1 10.0.0.2', 'machine workers j1 m1 10.0.0.3', 'stop']);
  });

  it('a stop during the load waits for it and stops what was loaded', async () => {
    const inner = recordingSource();
    const gate = Promise.withResolvers<Source>();
    const source = createDeferredSource({ description: 'd', load: () => gate.promise });
    const started = source.start(createPayloadStore());
    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    // Every callback already queued runs first: a stop that did not wait would have settled by then.
    await new Promise(setImmediate);
    expect(stopped).toBe(false);
    gate.resolve(inner.source);
    await Promise.all([started, stopping]);
    expect(inner.calls).toEqual(['start', 'stop']);
  });

  it('a load that fails rejects start with its error; stop then resolves', async () => {
    const source = createDeferredSource({
      description: 'd',
      load: () => Promise.reject(new Error('Cannot find package @kubernetes/client-node')),
    });
    await expect(source.start({} as SourceSink)).rejects.toThrow(
      'Cannot find package @kubernetes/client-node',
    );
    await expect(source.stop()).resolves.toBeUndefined();
    expect(source.description).toBe('d');
  });

  it('a stop before any start loads nothing', async () => {
    let loads = 0;
    const source = createDeferredSource({
      description: 'd',
      load: async () => (loads++, recordingSource().source),
    });
    await source.stop();
    expect(loads).toBe(0);
  });
});
