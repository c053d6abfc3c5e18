import type { ErrorCode } from '../../errors/KindlingError.ts';
import { compareSpecVersions, type SpecVersion } from '../../payload/SpecVersion.ts';
import type { PayloadStore } from '../../store/createPayloadStore.ts';
import type { PayloadFormat, TokenSecret } from '../../tokens/TokenSecret.ts';
import type { Authenticator } from '../auth/createAuthenticator.ts';
import type { ErrorAnswers } from '../errors/createErrorAnswers.ts';
import type { HttpAnswer } from '../HttpAnswer.ts';
import { acceptsGzip } from '../negotiate/acceptsGzip.ts';
import { matchesEtag } from '../negotiate/matchesEtag.ts';
import { requestedSpec } from '../negotiate/requestedSpec.ts';

/** The parts of a GET/HEAD /ignition or /cloud-config request the answer depends on; never the URL. */
export interface IgnitionRequest {
  /** Which route: the same token and status contract, another body. */
  format: PayloadFormat;
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
  authenticate: Authenticator;
  errors: ErrorAnswers;
  /** After a 200 or 304; must not block (see Source.recordFetch). */
  onServed?: (secret: TokenSecret, tokenHash: string, remoteAddress: string) => void;
}

/**
 * Picks the answer to GET/HEAD /ignition and /cloud-config: a header parse, one hash, one map lookup, and bytes and headers
 * prepared when the Secret changed. Nothing here parses JSON, compresses, or builds a header object.
 */
export function createIgnitionResponder({ store, authenticate, errors, onServed }: IgnitionResponderOptions) {
  const fail = (code: ErrorCode, pool?: string, tokenFingerprint?: string): IgnitionOutcome => ({
    answer: errors.answer(code),
    pool,
    tokenFingerprint,
  });

  return function answerIgnition(request: IgnitionRequest): IgnitionOutcome {
    const auth = authenticate(request.authorization, request.remoteAddress);
    if (!auth.ok) return fail(auth.code, auth.pool, auth.tokenFingerprint);
    const { found, tokenHash, tokenFingerprint } = auth;
    const { pool } = found.secret;
    let body;
    if (request.format === 'ignition') {
      const payload = found.payloads.ignition;
      const stored = payload.version as SpecVersion;
      const wanted = requestedSpec(request.accept);
      if (wanted === 'unsupported') return fail('ERR_NOT_ACCEPTABLE', pool, tokenFingerprint);
      body = store.body(
        payload,
        wanted !== 'stored' && compareSpecVersions(wanted, stored) < 0 ? wanted : stored,
      );
    } else {
      const payload = found.payloads.cloudConfig;
      if (!('bytes' in payload)) return fail(payload.code, pool, tokenFingerprint);
      body = store.body(payload, undefined);
    }
    if (!('identity' in body)) return fail(body.code, pool, tokenFingerprint);
    onServed?.(found.secret, tokenHash, request.remoteAddress);
    const representation = acceptsGzip(request.acceptEncoding) ? body.gzip : body.identity;
    const answer = matchesEtag(request.ifNoneMatch, representation.etag)
      ? representation.notModified
      : representation.ok;
    return { answer, pool, tokenFingerprint };
  };
}

export type IgnitionResponder = ReturnType<typeof createIgnitionResponder>;
