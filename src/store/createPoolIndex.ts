import type { TokenSecret } from '../tokens/TokenSecret.ts';

/** The parts of a Secret's state that decide which pool it names. */
export interface PoolClaimingState {
  good: TokenSecret | undefined;
  /** The pool label of a Secret refused before it ever passed (when that label is a valid pool name). */
  refusedPool: string | undefined;
}

type PoolRole = 'good' | 'refused';

export type PoolClaim =
  { ok: true; key: string; role: PoolRole } | { ok: false; code: 'ERR_TOKEN_UNKNOWN' | 'ERR_TOKEN_CONFLICT' };

const NO_SECRET = { ok: false, code: 'ERR_TOKEN_UNKNOWN' } as const;
const SEVERAL_SECRETS = { ok: false, code: 'ERR_TOKEN_CONFLICT' } as const;

function claimOf(state: PoolClaimingState | undefined): [string, PoolRole] | undefined {
  if (state?.good) return [state.good.pool, 'good'];
  return state?.refusedPool === undefined ? undefined : [state.refusedPool, 'refused'];
}

/**
 * Pool → the token Secret that serves it: how a per-machine token, which names its pool and no Secret,
 * finds its payload. As with token hashes, a pool named by two Secrets (a refused one included: which one
 * was meant cannot be known) is a conflict, answered 503 until one is left.
 */
export function createPoolIndex({
  onConflict,
}: {
  onConflict?: ((pool: string, keys: readonly string[]) => void) | undefined;
}) {
  const pools = new Map<string, Map<string, PoolRole>>();

  function report(pool: string, before: number, claimants: Map<string, PoolRole> | undefined) {
    const after = claimants?.size ?? 0;
    if (after > 1) onConflict?.(pool, [...(claimants?.keys() ?? [])].sort());
    else if (before > 1) onConflict?.(pool, []);
  }

  return {
    update(key: string, previous: PoolClaimingState | undefined, next: PoolClaimingState | undefined) {
      const before = claimOf(previous);
      const after = claimOf(next);
      if (before?.[0] === after?.[0]) {
        // The same pool (or none): at most a role changed, and no conflict begins or ends.
        if (after) pools.get(after[0])?.set(key, after[1]);
        return;
      }
      if (before) {
        const claimants = pools.get(before[0]);
        const size = claimants?.size ?? 0;
        claimants?.delete(key);
        if (claimants?.size === 0) pools.delete(before[0]);
        report(before[0], size, claimants);
      }
      if (after) {
        let claimants = pools.get(after[0]);
        if (!claimants) pools.set(after[0], (claimants = new Map()));
        const size = claimants.size;
        claimants.set(key, after[1]);
        report(after[0], size, claimants);
      }
    },
    claim(pool: string): PoolClaim {
      const claimants = pools.get(pool);
      if (!claimants) return NO_SECRET;
      if (claimants.size > 1) return SEVERAL_SECRETS;
      for (const [key, role] of claimants) return { ok: true, key, role };
      return NO_SECRET;
    },
  };
}
