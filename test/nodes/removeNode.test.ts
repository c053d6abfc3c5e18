import { describe, expect, it } from 'vitest';
import { createMemoryReportStore } from '../../src/machines/createMemoryReportStore.ts';
import type { MachineTokenRevoker } from '../../src/nodes/MachineTokenRevoker.ts';
import { removeNode } from '../../src/nodes/removeNode.ts';
import { fakeClock } from './fakeClock.ts';
import { startFakeKubeApi, status } from './fakeKubeApi.ts';

function revoker(): MachineTokenRevoker & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async revokeMachine(name) {
      asked.push(name);
      return { kind: 'revoked', detail: `revoked the token of ${name}` };
    },
  };
}

describe('removeNode', () => {
  it('cordons, drains, deletes the Node, revokes, deletes the report, in that order', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    const reports = createMemoryReportStore();
    await reports.put({ machine: 'node-a' } as never);
    const tokens = revoker();
    const result = await removeNode({
      api,
      nodeName: 'node-a',
      revoker: tokens,
      reports,
      timeoutMs: 60_000,
      ...fakeClock({ onSleep: api.finishTerminating }),
    });
    expect(result.steps).toEqual([
      'cordoned node node-a',
      'evicted 1 pod',
      'deleted node node-a',
      'revoked the token of node-a',
      'deleted the machine report of node-a',
    ]);
    expect(tokens.asked).toEqual(['node-a']);
    expect(await reports.list()).toEqual([]);
  });

  it('keeps the node, the token and the report when the drain times out', async () => {
    const api = startFakeKubeApi();
    api.addPod({ name: 'web-1' });
    api.evict = () => status(429, 'TooManyRequests', 'Cannot evict', ['budget']);
    const tokens = revoker();
    const result = await removeNode({
      api,
      nodeName: 'node-a',
      revoker: tokens,
      reports: createMemoryReportStore(),
      timeoutMs: 10_000,
      ...fakeClock(),
    });
    expect(result).toMatchObject({ done: false, revocation: undefined, steps: ['cordoned node node-a'] });
    expect(api.nodes.has('node-a')).toBe(true);
    expect(tokens.asked).toEqual([]);
  });

  it('goes straight to the token when the node is already gone (a second run after a failure)', async () => {
    const api = startFakeKubeApi({ nodes: [] });
    const tokens = revoker();
    const result = await removeNode({
      api,
      nodeName: 'node-a',
      revoker: tokens,
      reports: createMemoryReportStore(),
      timeoutMs: 10_000,
      ...fakeClock(),
    });
    expect(result.steps).toEqual([
      'node node-a does not exist (already deleted?): nothing to cordon, drain or delete',
      'revoked the token of node-a',
    ]);
    expect(api.requests.some((r) => r.path.endsWith('/eviction'))).toBe(false);
  });
});
