import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../../src/errors/KindlingError.ts';
import { createRenderStatusRecorder } from '../../../src/sources/kubernetes/createRenderStatusRecorder.ts';
import type { SecretsApi } from '../../../src/sources/kubernetes/createSecretsApi.ts';
import { formatRenderStatus } from '../../../src/sources/kubernetes/formatRenderStatus.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { flush, manualClock } from '../../support/manualClock.ts';

const KEY = 'ns/t';
const [H1, H2, H3] = ['sha256:1', 'sha256:2', 'sha256:3'];
// What client-node's patch throws: the status, and the API server's Status as the body.
const statusError = (code: number) =>
  new ApiException(code, `HTTP-Code: ${code}`, JSON.stringify({ kind: 'Status', code, message: 'busy' }), {});

function secret(
  resourceVersion: string,
  annotations?: Record<string, string>,
  template = true,
): SecretObject {
  return {
    metadata: { name: 't', namespace: 'ns', resourceVersion, ...(annotations ? { annotations } : {}) },
    data: template ? { template: 'e30=' } : { payload: 'e30=' },
  };
}
const ok = (hash: string) => ({ 'kindling.dev/render-status': 'ok', 'kindling.dev/config-hash': hash });

function setup() {
  const clock = manualClock();
  const patches: { resourceVersion: unknown; annotations: Record<string, string | null> }[] = [];
  const failures: (() => Error)[] = [];
  const results: string[] = [];
  const api: Pick<SecretsApi, 'mergePatch'> = {
    async mergePatch(ref, patch) {
      expect(ref).toEqual({ namespace: 'ns', name: 't' });
      patches.push((patch as { metadata: (typeof patches)[number] }).metadata);
      const failure = failures.shift();
      if (failure) throw failure();
    },
  };
  const recorder = createRenderStatusRecorder({
    api,
    now: clock.now,
    timers: clock.timers,
    observer: {
      renderStatusWrite: (result, { reason }) => results.push(reason ? `${result}: ${reason}` : result),
    },
  });
  return { clock, patches, failures, results, recorder };
}

describe('render status recorder', () => {
  it('writes nothing before open(), then the latest status of each Secret, on the version judged', async () => {
    const { patches, recorder } = setup();
    recorder.seen(secret('5'));
    recorder.rendered(KEY, { configHash: H1 });
    recorder.renderFailed(KEY, new KindlingError('ERR_RENDER_FAILED', 'x: gone', { rule: 'cluster-data' }));
    recorder.rendered(KEY, { configHash: H2 });
    await flush();
    expect(patches).toEqual([]);
    recorder.open();
    await flush();
    expect(patches).toEqual([{ resourceVersion: '5', annotations: ok(H2) }]);
  });

  it('writes nothing the Secret already says: neither again before its event, nor once it arrives', async () => {
    const { clock, patches, recorder } = setup();
    recorder.open();
    recorder.seen(secret('5'));
    recorder.rendered(KEY, { configHash: H1 });
    await flush();
    recorder.rendered(KEY, { configHash: H1 });
    recorder.seen(secret('6', ok(H1)));
    recorder.rendered(KEY, { configHash: H1 });
    await clock.advance(60_000);
    expect(patches).toHaveLength(1);
  });

  it('writes one Secret at most every 2 s, the latest status then', async () => {
    const { clock, patches, recorder } = setup();
    recorder.open();
    recorder.seen(secret('5'));
    recorder.rendered(KEY, { configHash: H1 });
    await flush();
    recorder.seen(secret('6', ok(H1)));
    recorder.rendered(KEY, { configHash: H2 });
    recorder.rendered(KEY, { configHash: H3 });
    await clock.advance(1_999);
    expect(patches).toHaveLength(1);
    await clock.advance(1);
    expect(patches.at(-1)).toEqual({ resourceVersion: '6', annotations: ok(H3) });
  });

  it("a refused version outranks its last good version's renderings, whose hash stays while it is served", async () => {
    const { clock, patches, recorder } = setup();
    recorder.open();
    recorder.seen(secret('5'));
    recorder.rendered(KEY, { configHash: H1 });
    await flush();
    recorder.seen(secret('6', ok(H1)));
    const refusal = new KindlingError('ERR_SECRET_INVALID', 'template at cluster: bad', {
      rule: 'template-schema',
    });
    recorder.secretRefused(KEY, refusal, { stillServing: true });
    await clock.advance(2_000);
    const failed = 'failed: template-schema: template at cluster: bad';
    expect(patches.at(-1)).toEqual({
      resourceVersion: '6',
      annotations: { 'kindling.dev/render-status': failed, 'kindling.dev/config-hash': H1 },
    });
    // The event of that write: the store refuses version 7 too. Then the cluster data changes: the last good
    // version renders anew, which changes the hash only.
    recorder.seen(secret('7', { 'kindling.dev/render-status': failed, 'kindling.dev/config-hash': H1 }));
    recorder.secretRefused(KEY, refusal, { stillServing: true });
    recorder.rendered(KEY, { configHash: H2 });
    await clock.advance(2_000);
    expect(patches.at(-1)).toEqual({
      resourceVersion: '7',
      annotations: { 'kindling.dev/render-status': failed, 'kindling.dev/config-hash': H2 },
    });
  });

  it('a 409 is left to the newer version; other failures are logged once and retried', async () => {
    const { clock, patches, failures, results, recorder } = setup();
    recorder.open();
    recorder.seen(secret('5'));
    failures.push(() => statusError(409));
    recorder.rendered(KEY, { configHash: H1 });
    await clock.advance(60_000);
    expect([patches.length, results]).toEqual([1, ['conflict']]);

    recorder.seen(secret('6'));
    failures.push(
      () => statusError(503),
      () => statusError(503),
    );
    recorder.rendered(KEY, { configHash: H2 });
    await clock.advance(9_999);
    expect(patches).toHaveLength(2);
    await clock.advance(10_001);
    await clock.advance(10_000);
    expect(patches).toHaveLength(4);
    expect(results.slice(1)).toEqual([
      'failed: cannot write the render status: patch secrets in namespace "ns" failed with HTTP 503: busy',
      'failed',
      'written',
    ]);
  });

  it('takes its annotations off a Secret that holds a payload now; leaves other payload Secrets alone', async () => {
    const { patches, recorder } = setup();
    recorder.open();
    recorder.seen({ ...secret('5', undefined, false), metadata: { name: 'p', namespace: 'ns' } });
    recorder.seen(secret('6', ok(H1), false));
    await flush();
    expect(patches).toEqual([
      {
        resourceVersion: '6',
        annotations: { 'kindling.dev/render-status': null, 'kindling.dev/config-hash': null },
      },
    ]);
  });

  it('formats a failure on one bounded line, without anything shaped like a token or key', () => {
    const status = formatRenderStatus(
      'render-cluster-data',
      `token abcdef.0123456789abcdef,\n key ${'ab'.repeat(32)} uuid 3f9a1c2e-7b4d-4c8e-9f01-2a3b4c5d6e7f`,
    );
    expect(status).toBe('failed: render-cluster-data: token [redacted], key [redacted] uuid [redacted]');
    expect(formatRenderStatus('schema', 'x'.repeat(2_000))).toHaveLength(500);
  });
});
