export interface BackoffOptions {
  initialMs?: number;
  /**
   * The longest wait between two attempts. It bounds how late a recovered API server is noticed: with 3 s, a
   * change made once it is back is served within about 3 s plus one list.
   */
  maxMs?: number;
  factor?: number;
  random?: () => number;
}

export interface Backoff {
  /** The wait before the next attempt; each call after a failure doubles the step up to the cap. */
  next(): number;
  /** After a success: the next failure waits the initial step again. */
  reset(): void;
  readonly failures: number;
}

/**
 * Exponential backoff with "equal jitter": half of the step is fixed, half is random, so replicas that lost
 * the API server together spread their retries but none retries at once in a tight loop.
 */
export function createBackoff({
  initialMs = 250,
  maxMs = 3_000,
  factor = 2,
  random = Math.random,
}: BackoffOptions = {}): Backoff {
  let failures = 0;
  return {
    next() {
      const step = Math.min(maxMs, initialMs * factor ** failures);
      failures++;
      return Math.round(step / 2 + (random() * step) / 2);
    },
    reset() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}
