import { z } from 'zod';
import { createKubernetesReportStore } from '../../machines/createKubernetesReportStore.ts';
import { removeNode } from '../../nodes/removeNode.ts';
import { UsageError } from '../CommandError.ts';
import { CLUSTER_FLAGS, durationFlag } from '../flags/flagSchemas.ts';
import { parseCommandLine, type FlagDefinitions } from '../flags/parseFlags.ts';
import { namespaceOf, nodeClusterFlags } from './nodeClusterFlags.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';
import { describePending, printDrainProgress } from './printDrainProgress.ts';

const DEFAULT_TIMEOUT_MS = 600_000;

export const REMOVE_FLAGS: FlagDefinitions = {
  timeout: { type: 'string', value: 'DURATION', help: 'give up on evictions after (default 10m)' },
  force: { type: 'boolean', help: 'at the timeout, delete the pods that could not be evicted' },
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  timeout: durationFlag().default(DEFAULT_TIMEOUT_MS),
  force: z.boolean().default(false),
  ...nodeClusterFlags,
});

/** `kindling node remove NAME [--timeout 10m] [--force]`. */
export async function runRemove(args: readonly string[], context: NodeCommandContext): Promise<number> {
  const { flags: values, positionals } = parseCommandLine(args, REMOVE_FLAGS, schema);
  const [nodeName, ...extra] = positionals;
  if (nodeName === undefined || extra.length > 0) throw new UsageError('expected: node remove NAME');
  const timeoutMs = values.timeout;
  const namespace = namespaceOf(values.namespace, context.env);
  const api = context.connect(values.kubeconfig);
  const reports = createKubernetesReportStore({ api, namespace });
  const revoker = context.revoker({ kubeconfig: values.kubeconfig, api, namespace, reports });
  const { stdout, stderr } = context;

  const result = await removeNode({
    api,
    nodeName,
    revoker,
    reports,
    timeoutMs,
    force: values.force,
    now: context.now,
    sleep: context.sleep,
    onProgress: printDrainProgress(nodeName, stderr),
    onStep: (step) => stdout(`${nodeName}: ${step}\n`),
  });
  if (!result.done) {
    const pending = result.drain?.pending ?? [];
    stderr(
      `kindling: ${nodeName}: timed out after ${Math.round((result.drain?.elapsedMs ?? 0) / 1000)}s with ` +
        `${pending.length} pod${pending.length === 1 ? '' : 's'} still there:\n${describePending(pending)}` +
        'The node stays cordoned; it is not deleted and its token is not revoked. Run the command again ' +
        'to carry on, or with --force to delete what cannot be evicted once the timeout is reached.\n',
    );
    return 1;
  }
  const { revocation } = result;
  if (revocation?.kind === 'pool-token') {
    stderr(
      `warning: ${nodeName} can still boot and rejoin with the token of pool ${revocation.pool}, which the ` +
        `pool's other machines share. To shut it out for good, rotate that token (the other machines get ` +
        `the new one with their next stub): kindling token rotate --pool ${revocation.pool}\n`,
    );
  } else if (revocation?.kind === 'unknown') {
    stderr(
      `warning: no token was revoked, so ${nodeName} may boot and rejoin: revoke the token its stub holds, ` +
        `or rotate its pool's token (kindling token rotate --pool POOL)\n`,
    );
  }
  return 0;
}
