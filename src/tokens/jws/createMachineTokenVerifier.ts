import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { KindlingError, type ErrorCode } from '../../errors/KindlingError.ts';
import { hashToken } from '../hashToken.ts';
import { describeEs256JwkProblem } from './describeEs256JwkProblem.ts';
import { looksLikeJws } from './looksLikeJws.ts';
import {
  isMachineName,
  isPoolName,
  MACHINE_TOKEN_ALG,
  MACHINE_TOKEN_TYP,
  POOL_CLAIM,
} from './machineTokenFormat.ts';

/** A token whose signature and claims were verified once. */
export interface VerifiedMachineToken {
  pool: string;
  machine: string;
  jti: string;
  /** Milliseconds since the epoch (`exp` × 1000). */
  expiresAt: number;
}

export type MachineTokenResult =
  | ({ ok: true } & VerifiedMachineToken)
  | { ok: false; code: Extract<ErrorCode, 'ERR_UNAUTHORIZED' | 'ERR_TOKEN_EXPIRED' | 'ERR_TOKEN_REVOKED'> };

export interface MachineTokenVerifierOptions {
  /** Public keys only: the current one and, after a rotation, the previous one. */
  publicJwks: JWK[];
  /** This server's identity, as `token mint` put it in `aud`. */
  audience: string;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Asked at every call, cached or not: a revocation takes effect on the next request. */
  isRevoked?: (jti: string) => boolean;
  cacheMax?: number;
  /**
   * Verified tokens by the SHA-256 (hex) of the compact token. Pass one to observe it (tests, metrics);
   * `cacheMax` only sizes the default one.
   */
  cache?: LRUCache<string, VerifiedMachineToken>;
}

export interface MachineTokenVerifier {
  verify(compact: string): Promise<MachineTokenResult>;
}

const UNAUTHORIZED = { ok: false, code: 'ERR_UNAUTHORIZED' } as const;
const EXPIRED = { ok: false, code: 'ERR_TOKEN_EXPIRED' } as const;
const REVOKED = { ok: false, code: 'ERR_TOKEN_REVOKED' } as const;
const REQUIRED_CLAIMS = ['sub', 'jti', 'iat', 'exp', POOL_CLAIM];

/**
 * Verifies per-machine tokens (machineTokenFormat.ts) before any lookup. Anything that is not a token we
 * signed for this audience — bad signature, unknown key, another algorithm (`none`, HS256 keyed with the
 * public key, ES384, …), another `typ`, a malformed token — is ERR_UNAUTHORIZED (401: Ignition gives up at
 * once, so a forged token fails the boot rather than retrying forever). Expired and revoked: 403.
 *
 * A boot storm verifies the same tokens again and again, so successes are cached (bounded LRU) until their
 * `exp`, keyed by the token's SHA-256: the cache never holds a token. Expiry and revocation are checked on
 * every hit. Failures are not cached (the server's failed-lookup limiter bounds their cost). The key set is
 * fixed for the verifier's life: after a rotation, create a new verifier, and the cache goes with the old.
 */
export function createMachineTokenVerifier({
  publicJwks,
  audience,
  now = Date.now,
  isRevoked = () => false,
  cacheMax = 10_000,
  cache = new LRUCache<string, VerifiedMachineToken>({ max: cacheMax }),
}: MachineTokenVerifierOptions): MachineTokenVerifier {
  checkKeys(publicJwks);
  if (audience === '') {
    throw new KindlingError('ERR_CONFIG_INVALID', 'the token audience must not be empty', {
      path: 'audience',
    });
  }
  const keySet = createLocalJWKSet({ keys: publicJwks });
  // Every token kindling mints names its key; without a kid, jose would try each key in turn.
  const getKey: JWTVerifyGetKey = (header, token) => {
    if (typeof header.kid !== 'string') throw new Error('no kid');
    return keySet(header, token);
  };

  function answer(token: VerifiedMachineToken): MachineTokenResult {
    if (now() >= token.expiresAt) return EXPIRED;
    if (isRevoked(token.jti)) return REVOKED;
    return { ok: true, ...token };
  }

  return {
    async verify(compact) {
      if (!looksLikeJws(compact)) return UNAUTHORIZED;
      const key = hashToken(compact);
      const cached = cache.get(key);
      if (cached !== undefined) {
        const result = answer(cached);
        if (result === EXPIRED) cache.delete(key);
        return result;
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(compact, getKey, {
          algorithms: [MACHINE_TOKEN_ALG],
          audience,
          typ: MACHINE_TOKEN_TYP,
          requiredClaims: REQUIRED_CLAIMS,
          currentDate: new Date(now()),
        }));
      } catch (error) {
        // jose checks the signature, typ and audience before the expiry: only a genuine token can expire.
        return (error as { code?: unknown }).code === 'ERR_JWT_EXPIRED' ? EXPIRED : UNAUTHORIZED;
      }
      const token = readClaims(payload);
      if (token === undefined) return UNAUTHORIZED;
      cache.set(key, token);
      return answer(token);
    },
  };
}

/** jose checked presence and the registered claims' types; ours are checked here. */
function readClaims(payload: JWTPayload): VerifiedMachineToken | undefined {
  const { sub, jti, exp } = payload;
  const pool = payload[POOL_CLAIM];
  if (!isPoolName(pool) || !isMachineName(sub) || typeof jti !== 'string' || jti === '') return undefined;
  if (typeof exp !== 'number') return undefined;
  return { pool, machine: sub, jti, expiresAt: exp * 1000 };
}

function checkKeys(publicJwks: JWK[]): void {
  if (publicJwks.length === 0) {
    throw new KindlingError('ERR_CONFIG_INVALID', 'no public key to verify machine tokens with', {
      path: 'publicJwks',
    });
  }
  publicJwks.forEach((jwk, index) => {
    const problem = describeEs256JwkProblem(jwk, 'public');
    if (problem !== undefined) {
      throw new KindlingError('ERR_CONFIG_INVALID', `verification key ${index} is unusable: ${problem}`, {
        path: `publicJwks[${index}]`,
      });
    }
  });
}
