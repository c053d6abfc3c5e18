import type { SourceObserver } from '../SourceObserver.ts';
import type { ApiFailure } from './describeApiFailure.ts';

export interface FailureReport {
  failed(failure: ApiFailure): void;
  /** The list or the watch works again: says so once, if anything had failed. */
  recovered(): void;
}

/**
 * The log of a retry loop: the first of a run of identical failures is logged, the repeats only counted (an
 * API server down for an hour, or a missing RoleBinding, is one line), and the end of the run is one line.
 */
export function createFailureReport({
  observer,
  namespace,
  watch,
  now,
}: {
  observer: SourceObserver;
  namespace: string | undefined;
  /** Which list/watch, in the log lines of a source that runs several. */
  watch?: string | undefined;
  now: () => number;
}): FailureReport {
  let reported: string | undefined;
  let failures = 0;
  let failingSince = 0;
  return {
    failed(failure) {
      if (failures++ === 0) failingSince = now();
      const signature = `${failure.kind}\n${failure.message}`;
      if (signature === reported) return observer.repeated?.(failure.kind);
      reported = signature;
      observer.error?.(failure.kind, failure.message, {
        watch,
        namespace: namespace ?? '*',
        status: failure.status,
      });
    },
    recovered() {
      if (failures === 0) return;
      observer.info?.('kubernetes source recovered', {
        watch,
        failedAttempts: failures,
        downSeconds: (now() - failingSince) / 1000,
      });
      failures = 0;
      reported = undefined;
    },
  };
}
