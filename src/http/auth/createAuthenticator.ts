import type { ErrorCode } from '../../errors/KindlingError.ts';
import type { LookupResult } from '../../store/LookupResult.ts';
import type { PayloadStore } from '../../store/createPayloadStore.ts';
import { fingerprint, hashToken } from '../../tokens/hashToken.ts';
import { looksLikeJws } from '../../tokens/jws/looksLikeJws.ts';
import type { FailureLimiter } from '../rateLimit/createFailureLimiter.ts';
import { bearerCredential } from './bearerCredential.ts';
import { hashStubShapedBearer, isStubBearer, readBearer } from './readBearer.ts';

/**
 * Who is asking. `found.machine` and `jti` are set for a per-machine token (verified: safe to log), and
 * `machine` on a failure once the token verified. Never a claim of a token that did not verify.
 */
export type Authentication =
  | {
      ok: true;
      found: Extract<LookupResult, { ok: true }>;
      tokenHash: string;
      tokenFingerprint: string;
      jti?: string;
    }
  | {
      ok: false;
      code: ErrorCode;
      pool?: string | undefined;
      tokenFingerprint?: string | undefined;
      machine?: string | undefined;
    };

export interface AuthenticatorOptions {
  store: PayloadStore;
  /** False until the source's first full load is applied. */
  isLoaded: () => boolean;
  limiter: FailureLimiter;
  onRateLimited?: () => void;
}

// One object for every request without a credential: nothing in it depends on the request.
const UNAUTHORIZED: Authentication = { ok: false, code: 'ERR_UNAUTHORIZED' };

/**
 * Who is asking, from the bearer token alone: the same checks for every route a machine calls (/ignition,
 * /cloud-config, /advertise). Failed lookups and per-machine tokens that fail to verify spend the address's
 * failure budget; a missing or malformed header does not: it cannot guess a token, and one machine or
 * health check sending none must not lock the other machines behind the same NAT address out of a boot.
 *
 * A pool token (a UUID) is answered synchronously: a hash and a map lookup, nothing allocated on the way
 * to a success but the result. A per-machine token (a compact JWS) is verified first (asynchronously: jose),
 * then its pool's Secret is looked up; the caller awaits only then.
 */
export function createAuthenticator({ store, isLoaded, limiter, onRateLimited }: AuthenticatorOptions) {
  async function authenticateMachine(compact: string, remoteAddress: string): Promise<Authentication> {
    const tokenHash = hashToken(compact);
    const tokenFingerprint = fingerprint(tokenHash);
    const verified = await store.verifyMachineToken(compact);
    if (!verified.ok) {
      limiter.fail(remoteAddress);
      return { ok: false, code: verified.code, tokenFingerprint };
    }
    const { pool, machine, jti } = verified;
    const found = store.lookupPool(pool, { machine });
    if (!found.ok) {
      limiter.fail(remoteAddress);
      return { ok: false, code: found.code, pool, tokenFingerprint, machine };
    }
    return { ok: true, found, tokenHash, tokenFingerprint, jti };
  }

  function refuse(
    found: Extract<LookupResult, { ok: false }>,
    tokenHash: string,
    remoteAddress: string,
  ): Authentication {
    limiter.fail(remoteAddress);
    return {
      ok: false,
      code: found.code,
      pool: found.secret?.pool,
      tokenFingerprint: fingerprint(tokenHash),
    };
  }

  return function authenticate(
    authorization: string | undefined,
    remoteAddress: string,
  ): Authentication | Promise<Authentication> {
    if (!isLoaded()) return { ok: false, code: 'ERR_NOT_READY' };
    if (authorization === undefined) return UNAUTHORIZED;
    if (limiter.blocked(remoteAddress)) {
      onRateLimited?.();
      return { ok: false, code: 'ERR_RATE_LIMITED' };
    }
    // A stub's header is looked up before its form is checked: a hash the store serves can only be that of
    // the canonical token it was made from, so the check (a regular expression) is left to the failures.
    const stubHash = hashStubShapedBearer(authorization);
    if (stubHash !== undefined) {
      const found = store.lookup(stubHash);
      if (found.ok) return { ok: true, found, tokenHash: stubHash, tokenFingerprint: fingerprint(stubHash) };
      if (isStubBearer(authorization)) return refuse(found, stubHash, remoteAddress);
    }
    const tokenHash = readBearer(authorization);
    if (tokenHash === undefined) {
      // Not a pool token. A UUID and its base64 hold no dot, so a JWS is told apart only here, off the
      // pool tokens' path.
      const credential = bearerCredential(authorization);
      if (credential !== undefined && looksLikeJws(credential)) {
        return authenticateMachine(credential, remoteAddress);
      }
      return UNAUTHORIZED;
    }
    const found = store.lookup(tokenHash);
    if (!found.ok) return refuse(found, tokenHash, remoteAddress);
    return { ok: true, found, tokenHash, tokenFingerprint: fingerprint(tokenHash) };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
