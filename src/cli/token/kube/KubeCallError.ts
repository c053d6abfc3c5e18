import { CommandError } from '../../CommandError.ts';

/** A failed API call (exit 1), with the HTTP status so that callers can act on 404 or 409. */
export class KubeCallError extends CommandError {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, cause: unknown) {
    super(message, 1, { cause });
    this.status = status;
  }
}

export function hasStatus(error: unknown, status: number): error is KubeCallError {
  return error instanceof KubeCallError && error.status === status;
}
