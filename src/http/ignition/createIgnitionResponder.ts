import type { ErrorCode } from '../../errors/KindlingError.ts';
import { compareSpecVersions } from '../../payload/SpecVersion.ts';
import type { PayloadStore } from '../../store/createPayloadStore.ts';
import { fingerprint } from '../../tokens/hashToken.ts';
import type { TokenSecret } from '../../tokens/TokenSecret.ts';
import { readBearer } from '../auth/readBearer.ts';
import type { ErrorAnswers } from '../errors/createErrorAnswers.ts';
import type { HttpAnswer } from '../HttpAnswer.ts';
import { acceptsGzip } from '../negotiate/acceptsGzip.ts';
import { matchesEtag } from '../negotiate/matchesEtag.ts';
import { requestedSpec } from '../negotiate/requestedSpec.ts';
import type { FailureLimiter } from '../rateLimit/createFailureLimiter.ts';

/** The parts of a GET/HEAD /ignition request the answer depends on; never the URL. */
export interface IgnitionRequest {
  authorization: string | undefined;
  accept: string | undefined;
  acceptEncoding: string | undefined;
  ifNoneMatch: string | undefined;
  remoteAddress: string;
}

/** The answer, and what the access log may say about it (server-side data only). */
export interface IgnitionOutcome {
  answer: HttpAnswer;
  pool: string | undefined;
  tokenFingerprint: string | undefined;
}

export interface IgnitionResponderOptions {
  store: PayloadStore;
  /** False until the source's first full load is applied. */
  isLoaded: () => boolean;
  limiter: FailureLimiter;
  errors: ErrorAnswers;
  onRateLimited?: () => void;
  /** After a 200 or 304; must not block (see Source.recordFetch). */
  onServed?: (secret: TokenSecret, tokenHash: string, remoteAddress: string) => void;
}

/**
 * Picks the answer to GET/HEAD /ignition: a header parse, one hash, one map lookup, and bytes and headers
 * prepared when the Secret changed. Nothing here parses JSON, compresses, or builds a header object.
 */
export function createIgnitionResponder({
  store,
  isLoaded,
  limiter,
  errors,
  onRateLimited,
  onServed,
}: IgnitionResponderOptions) {
  const fail = (code: ErrorCode, pool?: string, tokenFingerprint?: string): IgnitionOutcome => ({
    answer: errors.answer(code),
    pool,
    tokenFingerprint,
  });

  return function answerIgnition(request: IgnitionRequest): IgnitionOutcome {
    if (!isLoaded()) return fail('ERR_NOT_READY');
    const address = request.remoteAddress;
    if (limiter.blocked(address)) {
      onRateLimited?.();
      return fail('ERR_RATE_LIMITED');
    }
    const tokenHash = readBearer(request.authorization);
    if (tokenHash === undefined) {
      limiter.fail(address);
      return fail('ERR_UNAUTHORIZED');
    }
    const tokenFingerprint = fingerprint(tokenHash);
    const found = store.lookup(tokenHash);
    if (!found.ok) {
      limiter.fail(address);
      return fail(found.code, found.secret?.pool, tokenFingerprint);
    }
    const { pool, payload } = found.secret;
    const wanted = requestedSpec(request.accept);
    if (wanted === 'unsupported') return fail('ERR_NOT_ACCEPTABLE', pool, tokenFingerprint);
    const version =
      wanted !== 'stored' && compareSpecVersions(wanted, payload.version) < 0 ? wanted : payload.version;
    const body = store.body(payload, version);
    if (!('identity' in body)) return fail(body.code, pool, tokenFingerprint);
    onServed?.(found.secret, tokenHash, address);
    const representation = acceptsGzip(request.acceptEncoding) ? body.gzip : body.identity;
    const answer = matchesEtag(request.ifNoneMatch, representation.etag)
      ? representation.notModified
      : representation.ok;
    return { answer, pool, tokenFingerprint };
  };
}

export type IgnitionResponder = ReturnType<typeof createIgnitionResponder>;
