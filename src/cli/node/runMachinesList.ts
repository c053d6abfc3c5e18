import { z } from 'zod';
import { createKubernetesReportStore } from '../../machines/createKubernetesReportStore.ts';
import type { MachineReport } from '../../machines/MachineReport.ts';
import { UsageError } from '../CommandError.ts';
import { CLUSTER_FLAGS } from '../flags/flagSchemas.ts';
import { parseCommandLine, type FlagDefinitions } from '../flags/parseFlags.ts';
import { formatMachineTable } from './formatMachineTable.ts';
import { namespaceOf, nodeClusterFlags } from './nodeClusterFlags.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';

export const MACHINES_LIST_FLAGS: FlagDefinitions = {
  output: { type: 'string', short: 'o', value: 'FORMAT', help: 'table (default) or json' },
  'metrics-url': {
    type: 'string',
    value: 'URL',
    help: "a server's metrics port, to read the reports it holds (directory source)",
  },
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  output: z.string().default('table'),
  'metrics-url': z.string().optional(),
  ...nodeClusterFlags,
});

/** `kindling machines list [-o table|json]`: from the namespace's ConfigMaps, or a server's metrics port. */
export async function runMachinesList(args: readonly string[], context: NodeCommandContext): Promise<number> {
  const { flags: values, positionals } = parseCommandLine(args, MACHINES_LIST_FLAGS, schema);
  if (positionals.length > 0) throw new UsageError('machines list takes no argument');
  if (values.output !== 'table' && values.output !== 'json') throw new UsageError('-o: table or json');
  if (values['metrics-url'] !== undefined && values.namespace !== undefined) {
    throw new UsageError('--metrics-url and --namespace are two places to read from: give one');
  }
  const reports =
    values['metrics-url'] === undefined
      ? await createKubernetesReportStore({
          api: context.connect(values.kubeconfig),
          namespace: namespaceOf(values.namespace, context.env),
        }).list()
      : await fromServer(values['metrics-url'], context.fetch);
  context.stdout(
    values.output === 'json' ? `${JSON.stringify(reports, null, 2)}\n` : formatMachineTable(reports),
  );
  return 0;
}

async function fromServer(base: string, fetchUrl: typeof fetch): Promise<MachineReport[]> {
  const url = `${base.replace(/\/+$/, '')}/machines`;
  const response = await fetchUrl(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.json()) as MachineReport[];
}
