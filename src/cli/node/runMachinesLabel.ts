import { z } from 'zod';
import { createKubernetesReportStore } from '../../machines/createKubernetesReportStore.ts';
import { FACT_NAMES } from '../../machines/factLabels.ts';
import { labelNodeWithFacts } from '../../machines/labelNodeWithFacts.ts';
import { UsageError } from '../CommandError.ts';
import { CLUSTER_FLAGS } from '../flags/flagSchemas.ts';
import { parseCommandLine, type FlagDefinitions } from '../flags/parseFlags.ts';
import { namespaceOf, nodeClusterFlags } from './nodeClusterFlags.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';

export const MACHINES_LABEL_FLAGS: FlagDefinitions = {
  'label-facts': { type: 'string', value: 'FACT,...', help: 'the facts to copy to the Nodes as labels' },
  ...CLUSTER_FLAGS,
};

const schema = z.object({ 'label-facts': z.string().optional(), ...nodeClusterFlags });

/**
 * `kindling machines label --label-facts gpu.count,arch [NAME ...]`: for each report (of NAME …, else of
 * every machine) whose Node exists, the chosen facts as labels. A machine without a Node yet is skipped
 * (run it again once it joined); a NAME without a report is an error.
 */
export async function runMachinesLabel(
  args: readonly string[],
  context: NodeCommandContext,
): Promise<number> {
  const { flags: values, positionals } = parseCommandLine(args, MACHINES_LABEL_FLAGS, schema);
  const names = (values['label-facts'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--label-facts: name at least one fact');
  const unknown = names.filter((name) => !FACT_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`--label-facts: unknown ${unknown.join(', ')}; facts: ${FACT_NAMES.join(', ')}`);
  }
  const api = context.connect(values.kubeconfig);
  const store = createKubernetesReportStore({ api, namespace: namespaceOf(values.namespace, context.env) });
  const all = await store.list();
  const chosen =
    positionals.length === 0 ? all : all.filter((report) => positionals.includes(report.machine));
  const missing = positionals.filter((name) => !chosen.some((report) => report.machine === name));
  for (const report of chosen) {
    const result = await labelNodeWithFacts(api, report, names);
    if (result.kind === 'no-node') {
      context.stdout(`${report.machine}: no Node yet; skipped\n`);
      continue;
    }
    const labels = Object.entries(result.labels)
      .map(([key, value]) => (value === null ? `-${key}` : `${key}=${value}`))
      .join(' ');
    context.stdout(`${report.machine}: ${labels}\n`);
  }
  for (const name of missing) context.stderr(`kindling: ${name}: no report from this machine\n`);
  return missing.length > 0 ? 1 : 0;
}
