import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Which cores the load generator and the servers run on. With two cores or more and `taskset` present, the
 * servers get core 1 and everything that generates load (wrk, autocannon, the storm's clients, this process)
 * core 0, so neither steals the other's time; otherwise nothing is pinned and the table says so.
 */
export interface Pinning {
  description: string;
  /** Prefixes a command so it runs on the given side's core(s). */
  wrap(side: 'server' | 'load', command: string, args: string[]): [string, string[]];
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function planPinning(): Pinning {
  const cores = availableParallelism();
  if (cores < 2 || !hasTaskset()) {
    return {
      description: cores < 2 ? 'not pinned (one core)' : 'not pinned (no taskset)',
      wrap: (_side, command, args) => [command, args],
    };
  }
  // One core each: a Node server handles requests on one thread, and so does each load generator here.
  const cpu = { load: '0', server: '1' };
  // This process sends the storm's requests: it belongs with the load.
  execFileSync('taskset', ['-a', '-p', '-c', cpu.load, String(process.pid)], { stdio: 'ignore' });
  return {
    description: `servers on core ${cpu.server}, load generators on core ${cpu.load} (taskset; ${cores} cores)`,
    wrap: (side, command, args) => ['taskset', ['-c', cpu[side], command, ...args]],
  };
}
