import type { DrainProgress, PendingPod } from '../../nodes/drainNode.ts';

const SHOWN = 10;
/** A line every so often even when nothing changes, so that a long wait does not look like a hang. */
const HEARTBEAT_MS = 15_000;

/**
 * Drain progress on stderr: when what is pending changes, and every 15 s while it does not. A drain with
 * nothing to wait for prints nothing.
 */
export function printDrainProgress(nodeName: string, write: (text: string) => void) {
  let last: string | undefined;
  let lastAt = -Infinity;
  return (progress: DrainProgress) => {
    const text = describePending(progress.pending);
    if (last === undefined && progress.pending.length === 0) return;
    if (text === last && progress.elapsedMs - lastAt < HEARTBEAT_MS) return;
    last = text;
    lastAt = progress.elapsedMs;
    const left = progress.pending.length;
    const head = `[${seconds(progress.elapsedMs)}] ${nodeName}: ${progress.moved} moved, ${left} to go`;
    write(left === 0 ? `${head}\n` : `${head}\n${text}`);
  };
}

export function describePending(pending: readonly PendingPod[]): string {
  const lines = pending.slice(0, SHOWN).map(({ pod, state, why }) => `  ${pod}  ${state}: ${why}\n`);
  if (pending.length > SHOWN) lines.push(`  … and ${pending.length - SHOWN} more\n`);
  return lines.join('');
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`.padStart(5);
}
