import { describe, expect, it } from 'vitest';
import type { NodeObject } from '../../src/nodes/KubeObjects.ts';
import {
  maintenanceEndPatch,
  maintenanceStartPatch,
  maintenanceTaintPatch,
} from '../../src/nodes/nodePatches.ts';
import { updateNode } from '../../src/nodes/updateNode.ts';
import { startFakeKubeApi } from './fakeKubeApi.ts';

const OURS = { key: 'kindling.dev/maintenance', value: 'drain', effect: 'NoExecute' as const };
const node = (spec: NodeObject['spec'] = {}, annotations?: Record<string, string>): NodeObject => ({
  metadata: { name: 'n', ...(annotations ? { annotations } : {}) },
  spec,
});

describe('the patches of node maintenance', () => {
  it('cordon and record a new reason; nothing when both are there already', () => {
    expect(maintenanceStartPatch(node(), 'disk')).toEqual({
      spec: { unschedulable: true },
      metadata: { annotations: { 'kindling.dev/maintenance-reason': 'disk' } },
    });
    expect(
      maintenanceStartPatch(
        node({ unschedulable: true }, { 'kindling.dev/maintenance-reason': 'disk' }),
        'disk',
      ),
    ).toBeUndefined();
    expect(maintenanceStartPatch(node({ unschedulable: true }), undefined)).toBeUndefined();
  });

  it('add our taint after the others, replace one of ours with another value, keep one that is right', () => {
    const other = { key: 'a', effect: 'NoSchedule' as const };
    expect(maintenanceTaintPatch(node({ taints: [other] }))).toEqual({ spec: { taints: [other, OURS] } });
    expect(maintenanceTaintPatch(node({ taints: [{ ...OURS, value: 'old' }, other] }))).toEqual({
      spec: { taints: [other, OURS] },
    });
    expect(maintenanceTaintPatch(node({ taints: [other, OURS] }))).toBeUndefined();
  });

  it('end: remove exactly the taint, the cordon and the reason (fields removed, not zeroed)', () => {
    const other = { key: 'a', effect: 'NoSchedule' as const };
    expect(
      maintenanceEndPatch(
        node({ unschedulable: true, taints: [other, OURS] }, { 'kindling.dev/maintenance-reason': 'x' }),
      ),
    ).toEqual({
      spec: { unschedulable: null, taints: [other] },
      metadata: { annotations: { 'kindling.dev/maintenance-reason': null } },
    });
    expect(maintenanceEndPatch(node({ taints: [OURS] }))).toEqual({ spec: { taints: null } });
    expect(maintenanceEndPatch(node({ taints: [other] }))).toBeUndefined();
  });
});

describe('updateNode', () => {
  it('patches only the version it read, and reads again after a concurrent change', async () => {
    const api = startFakeKubeApi();
    let raced = false;
    const result = await updateNode(api, 'node-a', (current) => {
      if (!raced) {
        raced = true;
        // Someone else writes between our read and our patch.
        const changed = structuredClone(current);
        changed.spec = { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] };
        changed.metadata.resourceVersion = '999';
        api.nodes.set('node-a', changed);
      }
      return maintenanceTaintPatch(current);
    });
    expect(result).toMatchObject({ found: true, changed: true });
    expect(api.nodes.get('node-a')?.spec?.taints?.map((t) => t.key)).toEqual([
      'node.kubernetes.io/not-ready',
      'kindling.dev/maintenance',
    ]);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('writes nothing when the node is as wanted, and says when there is no node', async () => {
    const api = startFakeKubeApi();
    expect(await updateNode(api, 'node-a', () => undefined)).toMatchObject({ found: true, changed: false });
    expect(await updateNode(api, 'nope', maintenanceTaintPatch)).toEqual({ found: false });
    expect(api.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });
});
