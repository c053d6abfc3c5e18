/** The p-th percentile (0–100) of `values` by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Progress on stderr, stamped with the seconds since the bench started. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

/**
 * A distribution-free interval for the median of `values` (order statistics: the k-th smallest and the k-th
 * largest, k the largest with P(Binomial(n, ½) < k) ≤ (1 − confidence)/2). With fewer than 6 values no such
 * k exists at 95 %, and the interval is the whole range, which covers less.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): [number, number] {
  const n = values.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const sorted = [...values].sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  // P(X ≤ j) for X ~ Binomial(n, ½), summed term by term: C(n, j) / 2^n.
  let term = 0.5 ** n;
  let below = term;
  let k = 1;
  for (let j = 1; below <= tail && j < n; j++) {
    k = j;
    term = (term * (n - j + 1)) / j;
    below += term;
  }
  return [sorted[k - 1] ?? Number.NaN, sorted[n - k] ?? Number.NaN];
}
