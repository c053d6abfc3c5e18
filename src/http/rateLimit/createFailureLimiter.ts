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
  // Addresses whose bucket ran dry (less than one failure left), until a check finds it refilled. A check
  // looks only here, so while no address is out of budget (nearly always) it costs no lookup and no clock.
  const exhausted = new Map<string, Bucket>();
  // Every address that failed lately, by its last failure; the least recent are forgotten (and with them any
  // entry in `exhausted`), which bounds memory under a flood from many addresses.
  const buckets = new LRUCache<string, Bucket>({
    max: maxAddresses,
    dispose: (_bucket, address) => void exhausted.delete(address),
  });

  // Tokens only grow between failures, and the growth is capped linearly: refilling once, late, gives what
  // refilling at every check would.
  function refill(bucket: Bucket, at: number) {
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * refillPerSecond);
    bucket.at = at;
  }

  // A flood of failures comes from one address at a time: its bucket is kept at hand. Exact, because only
  // `fail` touches the LRU, so the last address to fail is the most recent there already, and any eviction
  // comes from a `set` for another address, which replaces what is kept here.
  let lastAddress: string | undefined;
  let lastBucket: Bucket | undefined;

  return {
    blocked(address) {
      if (exhausted.size === 0) return false;
      const bucket = exhausted.get(address);
      if (bucket === undefined) return false;
      refill(bucket, now());
      if (bucket.tokens < 1) return true;
      exhausted.delete(address);
      return false;
    },
    fail(address) {
      const at = now();
      let bucket = address === lastAddress ? lastBucket : buckets.get(address);
      if (bucket === undefined) buckets.set(address, (bucket = { tokens: burst, at }));
      lastAddress = address;
      lastBucket = bucket;
      refill(bucket, at);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      if (bucket.tokens < 1) exhausted.set(address, bucket);
    },
  };
}
