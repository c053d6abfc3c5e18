import type { MachineReport } from './MachineReport.ts';

/**
 * Why a report may not replace the stored one, or undefined. A pool token is shared, so any machine of the
 * pool can claim any name: it may not overwrite what a machine said with its own token, nor a report of
 * another pool. A per-machine token is the machine itself and replaces anything. Messages name no pool.
 */
export function replacementProblem(
  stored: MachineReport | undefined,
  incoming: Pick<MachineReport, 'identity' | 'pool'>,
): string | undefined {
  if (stored === undefined || incoming.identity === 'token') return undefined;
  if (stored.identity === 'token') {
    return 'this machine reports with its own token; a pool token cannot replace its report';
  }
  if (stored.pool !== incoming.pool) {
    return 'a machine of another pool reports under this name; remove it first (kindling node remove)';
  }
  return undefined;
}
