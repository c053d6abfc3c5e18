import type { Timers } from '../../src/sources/kubernetes/Timers.ts';

/** Lets queued callbacks and the promise chains they start run (a few turns of the event loop). */
export const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Timers and a clock a test moves by hand: every wait the code under test makes is visible. */
export function manualClock() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; ms: number; run: () => void }>();
  const timers: Timers = {
    setTimeout(run, ms) {
      pending.set(++next, { at: now + ms, ms, run });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    now: () => now,
    timers,
    /** The durations of the timers now pending, shortest first. */
    waits: () => [...pending.values()].map((p) => p.ms).sort((a, b) => a - b),
    /** Moves time on, running every timer that falls due on the way (also those set meanwhile), in order. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const [handle, timer] = [...pending].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
        if (handle === undefined || !timer || timer.at > end) break;
        pending.delete(handle);
        now = Math.max(now, timer.at);
        timer.run();
        await flush();
      }
      now = end;
      await flush();
    },
  };
}
