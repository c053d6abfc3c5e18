import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk } from '../kube/KubeApiError.ts';
import { nodePath } from '../nodes/updateNode.ts';
import { factLabels } from './factLabels.ts';
import type { MachineReport } from './MachineReport.ts';

export type FactLabelling = { kind: 'labelled'; labels: Record<string, string | null> } | { kind: 'no-node' };

/**
 * Copies chosen facts of a report to the Node of the same name as labels (a merge patch of those labels
 * only). With a pool token the facts are the machine's own word: label what schedules workloads with that
 * in mind.
 */
export async function labelNodeWithFacts(
  api: KubeApi,
  report: MachineReport,
  names: readonly string[],
): Promise<FactLabelling> {
  const labels = factLabels(report.facts, names);
  const response = await api.request({
    method: 'PATCH',
    path: nodePath(report.machine),
    contentType: 'application/merge-patch+json',
    body: { metadata: { labels } },
  });
  if (response.status === 404) return { kind: 'no-node' };
  expectOk(response, `label node ${report.machine}`);
  return { kind: 'labelled', labels };
}
