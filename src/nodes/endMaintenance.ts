import type { KubeApi } from '../kube/KubeApi.ts';
import { maintenanceEndPatch } from './nodePatches.ts';
import { updateNode, type NodeUpdate } from './updateNode.ts';

/** `node maintenance NAME off`: the maintenance taint and the reason removed, the node uncordoned. */
export function endMaintenance(api: KubeApi, nodeName: string): Promise<NodeUpdate> {
  return updateNode(api, nodeName, maintenanceEndPatch);
}
