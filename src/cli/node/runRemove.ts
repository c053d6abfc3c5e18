import { createKubernetesReportStore } from '../../machines/createKubernetesReportStore.ts';
import { removeNode } from '../../nodes/removeNode.ts';
import { commandOptions, namespaceOf, timeoutOf } from './commandOptions.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';
import { describePending, printDrainProgress } from './printDrainProgress.ts';
import { UsageError } from './UsageError.ts';

const DEFAULT_TIMEOUT_MS = 600_000;

/** `kindling node remove NAME [--timeout 10m] [--force]`. */
export async function runRemove(args: readonly string[], context: NodeCommandContext): Promise<number> {
  const { values, positionals } = commandOptions(args, {
    timeout: { type: 'string' },
    force: { type: 'boolean' },
  });
  const [nodeName, ...extra] = positionals;
  if (nodeName === undefined || extra.length > 0) throw new UsageError('expected: node remove NAME');
  const timeoutMs = timeoutOf(values.timeout, DEFAULT_TIMEOUT_MS);
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
    force: values.force ?? false,
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
