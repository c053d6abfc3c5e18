/**
 * Time that moves only when the code under test sleeps: a 10-minute drain runs in microseconds. `onSleep`
 * is what the rest of the world does meanwhile (a kubelet removing terminating pods).
 */
export function fakeClock({ start = 1_000_000, onSleep }: { start?: number; onSleep?: () => void } = {}) {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
      onSleep?.();
    },
    sleeps,
    advance(ms: number) {
      time += ms;
    },
  };
}
