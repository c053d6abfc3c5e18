import { describe, expect, it } from 'vitest';
import type { ClusterObject } from '../../../src/sources/ClusterObject.ts';
import type { ClusterSink } from '../../../src/sources/Source.ts';
import { createClusterFeeds } from '../../../src/sources/kubernetes/createClusterFeeds.ts';

const secret = (name: string, version = '1'): ClusterObject => ({
  kind: 'Secret',
  metadata: { name, namespace: 'kube-system', resourceVersion: version },
  data: { v: version },
});

function setup() {
  const calls: string[] = [];
  const sink: ClusterSink = {
    replace: (kind, objects) =>
      calls.push(`replace ${kind} ${objects.map((o) => o.metadata.name).join(',')}`),
    upsert: (object) => calls.push(`upsert ${object.metadata.name}@${object.metadata.resourceVersion}`),
    remove: (ref) => calls.push(`remove ${ref.name}`),
  };
  return { calls, feeds: createClusterFeeds(sink) };
}

describe('cluster feeds', () => {
  it("a relist of one watch replaces its kind with the union of every watch's objects", () => {
    const { calls, feeds } = setup();
    const tokens = feeds.open('tokens', 'Secret');
    const key = feeds.open('key', 'Secret');
    const info = feeds.open('info', 'ConfigMap');
    key.replace([secret('certificate-key')]);
    tokens.replace([secret('bootstrap-token-a'), secret('bootstrap-token-b')]);
    info.replace([]);
    tokens.replace([secret('bootstrap-token-a')]);
    expect(calls).toEqual([
      'replace Secret certificate-key',
      'replace Secret bootstrap-token-a,bootstrap-token-b,certificate-key',
      'replace ConfigMap ',
      'replace Secret bootstrap-token-a,certificate-key',
    ]);
  });

  it('passes events on; an object two watches hold is gone only when both say so', () => {
    const { calls, feeds } = setup();
    const one = feeds.open('one', 'Secret');
    const two = feeds.open('two', 'Secret');
    one.upsert(secret('shared', '2'));
    two.upsert(secret('shared', '2'));
    one.remove(secret('shared', '3'));
    two.remove(secret('shared', '3'));
    expect(calls).toEqual(['upsert shared@2', 'upsert shared@2', 'remove shared']);
  });

  it('a closed watch takes away what only it delivered', () => {
    const { calls, feeds } = setup();
    const tokens = feeds.open('tokens', 'Secret');
    const key = feeds.open('key', 'Secret');
    tokens.replace([secret('bootstrap-token-a')]);
    key.upsert(secret('certificate-key'));
    feeds.close('key');
    feeds.close('key');
    expect(calls.at(-1)).toBe('replace Secret bootstrap-token-a');
    expect(calls.filter((call) => call.startsWith('replace'))).toHaveLength(2);
  });
});
