import { LRUCache } from 'lru-cache';

export interface FailureLimiterOptions {
  /** Failures an address may make in a burst. */
  burst?: number;
  /** Failures per second an address earns back. */
  refillPerSecond?: number;
  /** Addresses remembered at once; the least recent are forgotten, which bounds memory under a flood. */
  maxAddresses?: number;
  now?: () => number;
}

export interface FailureLimiter {
  /** True while `address` has used up its failures: answer "retry" without looking anything up. */
  blocked(address: string): boolean;
  fail(address: string): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per remote address, spent only by failed lookups, so guessing tokens is slow. */
export function createFailureLimiter({
  burst = 30,
  refillPerSecond = 2,
  maxAddresses = 100_000,
  now = Date.now,
}: FailureLimiterOptions = {}): FailureLimiter {
  if (!(burst >= 1)) throw new TypeError('burst must be at least 1');
  if (!(refillPerSecond > 0)) throw new TypeError('refillPerSecond must be positive');
  const buckets = new LRUCache<string, Bucket>({ max: maxAddresses });
  // A failure is always checked (`blocked`) before it is counted (`fail`), for the same address: the bucket
  // the last check found is counted against without a second lookup and clock reading. (Should it have been
  // evicted meanwhile, by failures from `maxAddresses` other addresses, that one failure goes uncounted.)
  let checkedAddress: string | undefined;
  let checkedBucket: Bucket | undefined;

  function level(address: string): Bucket | undefined {
    const bucket = buckets.get(address);
    if (!bucket) return undefined;
    const at = now();
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * refillPerSecond);
    bucket.at = at;
    return bucket;
  }

  return {
    blocked(address) {
      // No address has failed (the usual case): nothing to look up.
      if (buckets.size === 0) return false;
      const bucket = level(address);
      checkedAddress = address;
      checkedBucket = bucket;
      return bucket !== undefined && bucket.tokens < 1;
    },
    fail(address) {
      const bucket = checkedAddress === address ? checkedBucket : level(address);
      checkedAddress = checkedBucket = undefined;
      if (bucket) bucket.tokens = Math.max(0, bucket.tokens - 1);
      else buckets.set(address, { tokens: burst - 1, at: now() });
    },
  };
}
