import type { Context } from 'hono';
import { compareSpecVersions } from '../../payload/SpecVersion.ts';
import type { PayloadStore } from '../../store/createPayloadStore.ts';
import { fingerprint } from '../../tokens/hashToken.ts';
import type { AppEnv } from '../AppEnv.ts';
import { readBearer } from '../auth/readBearer.ts';
import type { ErrorResponder } from '../errors/toErrorResponse.ts';
import { acceptsGzip } from '../negotiate/acceptsGzip.ts';
import { matchesEtag } from '../negotiate/matchesEtag.ts';
import { requestedSpec } from '../negotiate/requestedSpec.ts';
import type { FailureLimiter } from '../rateLimit/createFailureLimiter.ts';
import type { ErrorCode } from '../../errors/KindlingError.ts';
import type { TokenSecret } from '../../tokens/TokenSecret.ts';

export interface IgnitionHandlerOptions {
  store: PayloadStore;
  isReady: () => boolean;
  limiter: FailureLimiter;
  toErrorResponse: ErrorResponder;
  remoteAddress: (c: Context<AppEnv>) => string;
  onRateLimited?: () => void;
  /** After a 200 or 304; must not block (see Source.recordFetch). */
  onServed?: (secret: TokenSecret, tokenHash: string, remoteAddress: string) => void;
}

/**
 * GET/HEAD /ignition. The hot path: a header parse, one hash, one map lookup, and bytes prepared when the
 * Secret changed. Nothing here parses JSON or compresses.
 */
export function createIgnitionHandler({
  store,
  isReady,
  limiter,
  toErrorResponse,
  remoteAddress,
  onRateLimited,
  onServed,
}: IgnitionHandlerOptions) {
  return function ignition(c: Context<AppEnv>): Response {
    const fail = (code: ErrorCode) => {
      c.set('errorCode', code);
      return toErrorResponse(code);
    };
    if (!isReady()) return fail('ERR_NOT_READY');
    const address = remoteAddress(c);
    if (limiter.blocked(address)) {
      onRateLimited?.();
      return fail('ERR_RATE_LIMITED');
    }
    const tokenHash = readBearer(c.req.header('authorization'));
    if (tokenHash === undefined) {
      limiter.fail(address);
      return fail('ERR_UNAUTHORIZED');
    }
    c.set('tokenFingerprint', fingerprint(tokenHash));
    const found = store.lookup(tokenHash);
    if (found.secret) c.set('pool', found.secret.pool);
    if (!found.ok) {
      limiter.fail(address);
      return fail(found.code);
    }
    const { payload } = found.secret;
    const wanted = requestedSpec(c.req.header('accept'));
    if (wanted === 'unsupported') return fail('ERR_NOT_ACCEPTABLE');
    const version =
      wanted !== 'stored' && compareSpecVersions(wanted, payload.version) < 0 ? wanted : payload.version;
    const body = store.body(payload, version);
    if (!('identity' in body)) return fail(body.code);
    onServed?.(found.secret, tokenHash, address);
    const representation = acceptsGzip(c.req.header('accept-encoding')) ? body.gzip : body.identity;
    if (matchesEtag(c.req.header('if-none-match'), representation.etag)) {
      return new Response(null, { status: 304, headers: representation.notModifiedHeaders });
    }
    return new Response(representation.body, { status: 200, headers: representation.headers });
  };
}
