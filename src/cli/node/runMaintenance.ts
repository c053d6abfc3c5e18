import { z } from 'zod';
import { endMaintenance } from '../../nodes/endMaintenance.ts';
import { startMaintenance } from '../../nodes/startMaintenance.ts';
import { UsageError } from '../CommandError.ts';
import { CLUSTER_FLAGS, durationFlag } from '../flags/flagSchemas.ts';
import { parseCommandLine, type FlagDefinitions } from '../flags/parseFlags.ts';
import { nodeClusterFlags } from './nodeClusterFlags.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';
import { describePending, printDrainProgress } from './printDrainProgress.ts';

const DEFAULT_TIMEOUT_MS = 600_000;

export const MAINTENANCE_FLAGS: FlagDefinitions = {
  reason: { type: 'string', value: 'TEXT', help: 'why, shown with the maintenance taint' },
  timeout: { type: 'string', value: 'DURATION', help: 'give up on the drain after (default 10m)' },
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  reason: z.string().optional(),
  timeout: durationFlag().optional(),
  ...nodeClusterFlags,
});

/** `kindling node maintenance NAME on|off`. */
export async function runMaintenance(args: readonly string[], context: NodeCommandContext): Promise<number> {
  const { flags: values, positionals } = parseCommandLine(args, MAINTENANCE_FLAGS, schema);
  const [nodeName, mode, ...extra] = positionals;
  if (nodeName === undefined || (mode !== 'on' && mode !== 'off') || extra.length > 0) {
    throw new UsageError('expected: node maintenance NAME on|off');
  }
  if (mode === 'off' && (values.reason !== undefined || values.timeout !== undefined)) {
    throw new UsageError('--reason and --timeout are options of "on"');
  }
  const timeoutMs = values.timeout ?? DEFAULT_TIMEOUT_MS;
  const api = context.connect(values.kubeconfig);
  const { stdout, stderr } = context;

  if (mode === 'off') {
    const result = await endMaintenance(api, nodeName);
    if (!result.found) return notFound(nodeName, context);
    stdout(
      result.changed
        ? `${nodeName}: maintenance taint removed, uncordoned\n`
        : `${nodeName}: not in maintenance (no taint, not cordoned): nothing to do\n`,
    );
    return 0;
  }

  const result = await startMaintenance({
    api,
    nodeName,
    reason: values.reason,
    timeoutMs,
    now: context.now,
    sleep: context.sleep,
    onProgress: printDrainProgress(nodeName, stderr),
  });
  if (!result.found) return notFound(nodeName, context);
  const { drain } = result;
  if (!result.tainted && !drain.done) {
    stderr(
      `kindling: ${nodeName}: timed out after ${Math.round(drain.elapsedMs / 1000)}s with ` +
        `${drain.pending.length} pod${drain.pending.length === 1 ? '' : 's'} still there:\n` +
        describePending(drain.pending) +
        'The node stays cordoned, not yet tainted; run the command again to carry on.\n',
    );
    return 1;
  }
  stdout(
    `${nodeName}: ${result.cordoned ? 'cordoned' : 'already cordoned'}; evicted ${drain.evicted.length} ` +
      `pod${drain.evicted.length === 1 ? '' : 's'}; ${drain.stayed.length} stay (DaemonSet, mirror or ` +
      `tolerating); ${result.tainted ? 'tainted' : 'already tainted'} kindling.dev/maintenance=drain:NoExecute\n`,
  );
  return 0;
}

function notFound(nodeName: string, { stderr }: NodeCommandContext): number {
  stderr(`kindling: node ${nodeName} does not exist\n`);
  return 1;
}
