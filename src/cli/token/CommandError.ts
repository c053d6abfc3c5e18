/**
 * A failure a command reports as one line and an exit code: 2 when what was typed (a flag, a file) is wrong
 * and the fix is to change the command; 1 when the cluster refused, failed, or is in a state the command
 * will not change. Messages never hold a token or key.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CommandError {
  return new CommandError(message, 2);
}

export function clusterError(message: string, cause?: unknown): CommandError {
  return new CommandError(message, 1, cause === undefined ? undefined : { cause });
}
