/**
 * A failure a command reports as one line and an exit code: 2 when what was typed (a flag, a file) is wrong
 * and the fix is to change the command; 1 when the cluster refused, failed, or is in a state the command
 * will not change. Messages never hold a token or key.
 */
export class CommandError extends Error {
  override readonly name: string = 'CommandError';
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/**
 * A command line that cannot be run as written (exit 2): besides the message, each command group shows how
 * to write it (`kindling node` its usage, `kindling token` a --help hint).
 */
export class UsageError extends CommandError {
  override readonly name: string = 'UsageError';

  constructor(message: string) {
    super(message, 2);
  }
}

export function usageError(message: string): CommandError {
  return new UsageError(message);
}

export function clusterError(message: string, cause?: unknown): CommandError {
  return new CommandError(message, 1, cause === undefined ? undefined : { cause });
}
