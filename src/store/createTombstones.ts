/**
 * Token hashes that were valid once and are not any more (their Secret was deleted, or its token rotated
 * away). They answer 403 for `ttlMs` instead of 503 "unknown", so a revoked machine stops retrying.
 */
export interface Tombstones {
  add(tokenHash: string): void;
  delete(tokenHash: string): void;
  has(tokenHash: string): boolean;
  readonly size: number;
}

export function createTombstones({ ttlMs, now }: { ttlMs: number; now: () => number }): Tombstones {
  // Insertion order is expiry order (same ttl for all), so sweeping stops at the first live entry.
  const until = new Map<string, number>();
  const sweep = (at: number) => {
    for (const [hash, end] of until) {
      if (end > at) break;
      until.delete(hash);
    }
  };
  return {
    add(tokenHash) {
      const at = now();
      sweep(at);
      until.delete(tokenHash);
      until.set(tokenHash, at + ttlMs);
    },
    delete(tokenHash) {
      until.delete(tokenHash);
    },
    has(tokenHash) {
      const end = until.get(tokenHash);
      return end !== undefined && end > now();
    },
    get size() {
      sweep(now());
      return until.size;
    },
  };
}
