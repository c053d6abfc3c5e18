import type { ErrorCode } from '../errors/KindlingError.ts';
import { fingerprint } from '../tokens/hashToken.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import { createTombstones } from './createTombstones.ts';

export type Role = 'current' | 'previous' | 'refused';

/** The parts of a Secret's state that decide which token hashes it claims. */
export interface ClaimingState {
  good: TokenSecret | undefined;
  refusedHashes: readonly string[];
}

export type Claim = { ok: true; key: string; role: Role } | { ok: false; code: ErrorCode };

const CONFLICT: Claim = Object.freeze({ ok: false, code: 'ERR_TOKEN_CONFLICT' });
const REVOKED: Claim = Object.freeze({ ok: false, code: 'ERR_TOKEN_REVOKED' });
const UNKNOWN: Claim = Object.freeze({ ok: false, code: 'ERR_TOKEN_UNKNOWN' });

function rolesOf(state: ClaimingState | undefined): Map<string, Role> {
  const roles = new Map<string, Role>();
  if (state?.good) {
    roles.set(state.good.tokenHash, 'current');
    if (state.good.previousTokenHash) roles.set(state.good.previousTokenHash, 'previous');
  }
  for (const hash of state?.refusedHashes ?? []) if (!roles.has(hash)) roles.set(hash, 'refused');
  return roles;
}

/**
 * Token hash → the Secret that claims it. A hash claimed by two Secrets is a conflict (refused until one claim
 * is left); a hash no Secret claims any more is a tombstone (revoked) for a while.
 */
export function createTokenIndex({
  tombstoneTtlMs,
  now,
  onConflict,
}: {
  tombstoneTtlMs: number;
  now: () => number;
  onConflict?: ((fingerprint: string, keys: readonly string[]) => void) | undefined;
}) {
  const claims = new Map<string, Map<string, Role>>();
  // Each claimed hash's answer, made when its claimants change: a lookup allocates nothing.
  const answers = new Map<string, Claim>();
  const conflicts = new Set<string>();
  const tombstones = createTombstones({ ttlMs: tombstoneTtlMs, now });

  function checkConflict(hash: string) {
    const claimants = claims.get(hash);
    if (!claimants) answers.delete(hash);
    else if (claimants.size > 1) answers.set(hash, CONFLICT);
    else for (const [key, role] of claimants) answers.set(hash, { ok: true, key, role });
    if (claimants && claimants.size > 1) {
      conflicts.add(hash);
      onConflict?.(fingerprint(hash), [...claimants.keys()].sort());
    } else if (conflicts.delete(hash)) {
      onConflict?.(fingerprint(hash), []);
    }
  }

  return {
    update(key: string, previous: ClaimingState | undefined, next: ClaimingState | undefined) {
      const before = rolesOf(previous);
      const after = rolesOf(next);
      for (const hash of before.keys()) {
        if (after.has(hash)) continue;
        const claimants = claims.get(hash);
        claimants?.delete(key);
        if (!claimants || claimants.size === 0) {
          claims.delete(hash);
          tombstones.add(hash);
        }
        checkConflict(hash);
      }
      for (const [hash, role] of after) {
        if (before.get(hash) === role) continue;
        tombstones.delete(hash);
        let claimants = claims.get(hash);
        if (!claimants) claims.set(hash, (claimants = new Map()));
        claimants.set(key, role);
        checkConflict(hash);
      }
    },
    claim(tokenHash: string): Claim {
      return answers.get(tokenHash) ?? (tombstones.has(tokenHash) ? REVOKED : UNKNOWN);
    },
    get tombstones() {
      return tombstones.size;
    },
    get conflicts() {
      return conflicts.size;
    },
  };
}
