import type { ErrorCode } from '../../errors/KindlingError.ts';
import type { LookupResult } from '../../store/LookupResult.ts';
import type { PayloadStore } from '../../store/createPayloadStore.ts';
import { fingerprint } from '../../tokens/hashToken.ts';
import type { FailureLimiter } from '../rateLimit/createFailureLimiter.ts';
import { readBearer } from './readBearer.ts';

export type Authentication =
  | { ok: true; found: Extract<LookupResult, { ok: true }>; tokenHash: string; tokenFingerprint: string }
  | { ok: false; code: ErrorCode; pool?: string | undefined; tokenFingerprint?: string | undefined };

export interface AuthenticatorOptions {
  store: PayloadStore;
  /** False until the source's first full load is applied. */
  isLoaded: () => boolean;
  limiter: FailureLimiter;
  onRateLimited?: () => void;
}

/**
 * Who is asking, from the bearer token alone: the same checks for every route a machine calls (/ignition,
 * /cloud-config, /advertise). Failed lookups spend the address's failure budget.
 */
export function createAuthenticator({ store, isLoaded, limiter, onRateLimited }: AuthenticatorOptions) {
  return function authenticate(authorization: string | undefined, remoteAddress: string): Authentication {
    if (!isLoaded()) return { ok: false, code: 'ERR_NOT_READY' };
    if (limiter.blocked(remoteAddress)) {
      onRateLimited?.();
      return { ok: false, code: 'ERR_RATE_LIMITED' };
    }
    const tokenHash = readBearer(authorization);
    if (tokenHash === undefined) {
      limiter.fail(remoteAddress);
      return { ok: false, code: 'ERR_UNAUTHORIZED' };
    }
    const tokenFingerprint = fingerprint(tokenHash);
    const found = store.lookup(tokenHash);
    if (!found.ok) {
      limiter.fail(remoteAddress);
      return { ok: false, code: found.code, pool: found.secret?.pool, tokenFingerprint };
    }
    return { ok: true, found, tokenHash, tokenFingerprint };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
