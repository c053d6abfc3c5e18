import { createKubernetesReportStore } from '../../machines/createKubernetesReportStore.ts';
import type { MachineReport } from '../../machines/MachineReport.ts';
import { commandOptions, namespaceOf } from './commandOptions.ts';
import { formatMachineTable } from './formatMachineTable.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';
import { UsageError } from './UsageError.ts';

/** `kindling machines list [-o table|json]`: from the namespace's ConfigMaps, or a server's metrics port. */
export async function runMachinesList(args: readonly string[], context: NodeCommandContext): Promise<number> {
  const { values, positionals } = commandOptions(args, {
    output: { type: 'string', short: 'o', default: 'table' },
    'metrics-url': { type: 'string' },
  });
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
