import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFirstFetchRecorder } from '../../../src/sources/kubernetes/createFirstFetchRecorder.ts';
import type { SecretsApi } from '../../../src/sources/kubernetes/createSecretsApi.ts';
import { fingerprint, hashToken } from '../../../src/tokens/hashToken.ts';
import { parseTokenSecret } from '../../../src/tokens/parseTokenSecret.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { tokenSecret } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const conflict = () => Object.assign(new Error('Conflict'), { code: 409 });

function setup({ maxQueued, concurrency }: { maxQueued?: number; concurrency?: number } = {}) {
  const token = randomUUID();
  const source = tokenSecret({ name: 'a', namespace: 'ns', token, resourceVersion: '5' });
  const secret = parseTokenSecret(source, { maxPayloadBytes: 1 << 20 });
  const patches: { resourceVersion: unknown; annotations: Record<string, string> }[] = [];
  const results: { result: string; reason?: string }[] = [];
  const script = {
    patch: [] as (() => Promise<void>)[],
    read: undefined as SecretObject | undefined,
  };
  const api: Pick<SecretsApi, 'read' | 'mergePatch'> = {
    async mergePatch(_ref, patch) {
      const { metadata } = patch as {
        metadata: { resourceVersion: unknown; annotations: Record<string, string> };
      };
      patches.push(metadata);
      await (script.patch.shift() ?? (() => Promise.resolve()))();
    },
    read: async () => script.read,
  };
  const recorder = createFirstFetchRecorder({
    api,
    now: () => NOW,
    maxQueued,
    concurrency,
    observer: {
      firstFetchWrite: (result, { reason }) => results.push({ result, ...(reason ? { reason } : {}) }),
    },
  });
  return { token, source, secret, tokenHash: hashToken(token), patches, results, script, recorder };
}

describe('first-fetch recorder', () => {
  it('returns at once and writes later, once per token, with the optimistic-concurrency resourceVersion', async () => {
    const { secret, tokenHash, patches, results, recorder } = setup();
    recorder.record(secret, tokenHash, '::ffff:10.0.0.7');
    expect(patches).toEqual([]);
    await waitFor(() => results.length === 1, { what: 'the write' });
    recorder.record(secret, tokenHash, '10.0.0.8');
    expect(patches).toEqual([
      {
        resourceVersion: '5',
        annotations: {
          'kindling.dev/first-fetch-at': '2026-11-21T12:00:00.000Z',
          'kindling.dev/first-fetch-from': '10.0.0.7',
          'kindling.dev/first-fetch-token': fingerprint(tokenHash),
        },
      },
    ]);
    expect(results).toEqual([{ result: 'written' }]);
  });

  it('on a conflict, reads the Secret and retries from its resourceVersion while the token is still its own', async () => {
    const { source, secret, tokenHash, patches, results, script, recorder } = setup();
    script.patch.push(() => Promise.reject(conflict()));
    script.read = {
      ...source,
      metadata: { ...source.metadata, resourceVersion: '9', annotations: { other: 'x' } },
    };
    recorder.record(secret, tokenHash, '10.0.0.7');
    await waitFor(() => results.length === 1, { what: 'the outcome' });
    expect(patches.map((p) => p.resourceVersion)).toEqual(['5', '9']);
    expect(results).toEqual([{ result: 'written' }]);
  });

  it('on a conflict, stops when another replica recorded this token or the token left the Secret', async () => {
    const recordedElsewhere = setup();
    recordedElsewhere.script.patch.push(() => Promise.reject(conflict()));
    const annotations = { 'kindling.dev/first-fetch-token': fingerprint(recordedElsewhere.tokenHash) };
    recordedElsewhere.script.read = {
      ...recordedElsewhere.source,
      metadata: { ...recordedElsewhere.source.metadata, annotations },
    };
    recordedElsewhere.recorder.record(recordedElsewhere.secret, recordedElsewhere.tokenHash, '10.0.0.7');

    const rotatedAway = setup();
    rotatedAway.script.patch.push(() => Promise.reject(conflict()));
    rotatedAway.script.read = tokenSecret({
      name: 'a',
      namespace: 'ns',
      token: randomUUID(),
      resourceVersion: '9',
    });
    rotatedAway.recorder.record(rotatedAway.secret, rotatedAway.tokenHash, '10.0.0.7');

    await waitFor(() => recordedElsewhere.results.length + rotatedAway.results.length === 2, {
      what: 'both outcomes',
    });
    expect([recordedElsewhere.results, rotatedAway.results]).toEqual([
      [{ result: 'exists' }],
      [{ result: 'stale' }],
    ]);
    expect([recordedElsewhere.patches.length, rotatedAway.patches.length]).toEqual([1, 1]);
  });

  it('gives up after three conflicting writes, and says so', async () => {
    const { source, secret, tokenHash, patches, results, script, recorder } = setup();
    for (let i = 0; i < 3; i++) script.patch.push(() => Promise.reject(conflict()));
    script.read = source;
    recorder.record(secret, tokenHash, '10.0.0.7');
    await waitFor(() => results.length === 1, { what: 'the outcome' });
    expect(patches).toHaveLength(3);
    expect(results).toEqual([
      { result: 'conflict', reason: 'first-fetch record of ns/a gave up after 3 conflicting writes' },
    ]);
  });

  it('skips a token whose record the watch already showed, and drops (counted) beyond the queue bound', async () => {
    const { source, secret, tokenHash, patches, results, script, recorder } = setup({
      maxQueued: 1,
      concurrency: 1,
    });
    const annotations = { 'kindling.dev/first-fetch-token': fingerprint(tokenHash) };
    recorder.seen({ ...source, metadata: { ...source.metadata, annotations } });
    recorder.record(secret, tokenHash, '10.0.0.7');
    expect(results).toEqual([{ result: 'exists' }]);

    let release: () => void = () => undefined;
    script.patch.push(() => new Promise<void>((resolve) => (release = resolve)));
    const others = [randomUUID(), randomUUID(), randomUUID()].map((token) => hashToken(token));
    recorder.record({ ...secret, key: 'ns/b', name: 'b' }, others[0] ?? '', '10.0.0.7');
    await waitFor(() => patches.length === 1, { what: 'the first write in flight' });
    recorder.record({ ...secret, key: 'ns/c', name: 'c' }, others[1] ?? '', '10.0.0.7');
    recorder.record({ ...secret, key: 'ns/d', name: 'd' }, others[2] ?? '', '10.0.0.7');
    expect(results.at(-1)).toEqual({
      result: 'dropped',
      reason: 'first-fetch records are 1 behind; dropping some',
    });
    release();
    await waitFor(() => results.length === 4, { what: 'every outcome' });
    expect(results.map((r) => r.result)).toEqual(['exists', 'dropped', 'written', 'written']);
  });

  it('stop() waits for the write in flight and forgets the queue', async () => {
    const { secret, tokenHash, patches, script, recorder } = setup({ concurrency: 1 });
    let release: () => void = () => undefined;
    script.patch.push(() => new Promise<void>((resolve) => (release = resolve)));
    recorder.record(secret, tokenHash, '10.0.0.7');
    recorder.record({ ...secret, key: 'ns/b', name: 'b' }, hashToken(randomUUID()), '10.0.0.7');
    await waitFor(() => patches.length === 1, { what: 'the first write in flight' });
    let stopped = false;
    const stopping = recorder.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(patches).toHaveLength(1);
  });
});
