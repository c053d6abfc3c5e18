import type { KubeApi } from '../kube/KubeApi.ts';
import { drainNode, type DrainOptions, type DrainResult } from './drainNode.ts';
import { maintenanceStartPatch, maintenanceTaintPatch } from './nodePatches.ts';
import { updateNode } from './updateNode.ts';

export type MaintenanceStart =
  { found: false } | { found: true; cordoned: boolean; tainted: boolean; drain: DrainResult };

export type StartMaintenanceOptions = Omit<DrainOptions, 'purpose' | 'force'> & {
  api: KubeApi;
  reason?: string | undefined;
};

/**
 * `node maintenance NAME on`: cordon (and record the reason), evict what must leave through the Eviction
 * API, and only then taint the node `kindling.dev/maintenance=drain:NoExecute`. The order is what makes
 * PodDisruptionBudgets hold: where the cluster's taint manager runs, a NoExecute taint deletes every pod
 * that does not tolerate it at once, budgets or not, so the taint comes once those pods have left by
 * eviction. Where no taint manager runs, the eviction alone moves them. If the drain times out the node
 * stays cordoned but untainted, and running the command again carries on.
 */
export async function startMaintenance({
  api,
  nodeName,
  reason,
  ...drain
}: StartMaintenanceOptions): Promise<MaintenanceStart> {
  const cordon = await updateNode(api, nodeName, (node) => maintenanceStartPatch(node, reason));
  if (!cordon.found) return { found: false };
  const result = await drainNode({ api, nodeName, purpose: 'maintenance', ...drain });
  if (!result.done) return { found: true, cordoned: cordon.changed, tainted: false, drain: result };
  const taint = await updateNode(api, nodeName, maintenanceTaintPatch);
  if (!taint.found) return { found: false };
  return { found: true, cordoned: cordon.changed, tainted: taint.changed, drain: result };
}
