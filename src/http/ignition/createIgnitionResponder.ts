import type { ErrorCode } from '../../errors/KindlingError.ts';
import { compareSpecVersions, type SpecVersion } from '../../payload/SpecVersion.ts';
import type { PayloadStore } from '../../store/createPayloadStore.ts';
import type { PayloadFormat, TokenSecret } from '../../tokens/TokenSecret.ts';
import type { Authentication, Authenticator } from '../auth/createAuthenticator.ts';
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

/** The answer, and what the access log may say about it (server-side data, or verified claims, only). */
export interface IgnitionOutcome {
  answer: HttpAnswer;
  pool: string | undefined;
  tokenFingerprint: string | undefined;
  /** The machine a per-machine token names, once verified (a node name: not secret). */
  machine: string | undefined;
}

export interface IgnitionResponderOptions {
  store: PayloadStore;
  authenticate: Authenticator;
  errors: ErrorAnswers;
  /** After a 200 or 304 to a pool token; must not block (see Source.recordFetch). */
  onServed?: (secret: TokenSecret, tokenHash: string, remoteAddress: string) => void;
  /** After a 200 or 304 to a per-machine token; must not block (see Source.recordMachineFetch). */
  onMachineServed?: (pool: string, jti: string, machine: string, remoteAddress: string) => void;
}

/**
 * Picks the answer to GET/HEAD /ignition and /cloud-config: a header parse, one hash, one map lookup, and bytes and headers
 * prepared when the Secret changed. Nothing here parses JSON, compresses, or builds a header object.
 *
 * A pool token is answered synchronously (a plain object, no promise on the hot path); a per-machine token
 * once its signature is verified (a promise).
 */
export function createIgnitionResponder({
  store,
  authenticate,
  errors,
  onServed,
  onMachineServed,
}: IgnitionResponderOptions) {
  const fail = (
    code: ErrorCode,
    pool?: string,
    tokenFingerprint?: string,
    machine?: string,
  ): IgnitionOutcome => ({
    answer: errors.answer(code),
    pool,
    tokenFingerprint,
    machine,
  });

  function respond(request: IgnitionRequest, auth: Authentication): IgnitionOutcome {
    if (!auth.ok) return fail(auth.code, auth.pool, auth.tokenFingerprint, auth.machine);
    const { found, tokenHash, tokenFingerprint, jti } = auth;
    const { pool } = found.secret;
    const { machine } = found;
    let body;
    if (request.format === 'ignition') {
      const payload = found.payloads.ignition;
      const stored = payload.version as SpecVersion;
      const wanted = requestedSpec(request.accept);
      if (wanted === 'unsupported') return fail('ERR_NOT_ACCEPTABLE', pool, tokenFingerprint, machine);
      body = store.body(
        payload,
        wanted !== 'stored' && compareSpecVersions(wanted, stored) < 0 ? wanted : stored,
      );
    } else {
      const payload = found.payloads.cloudConfig;
      if (!('bytes' in payload)) return fail(payload.code, pool, tokenFingerprint, machine);
      body = store.body(payload, undefined);
    }
    if (!('identity' in body)) return fail(body.code, pool, tokenFingerprint, machine);
    if (jti !== undefined && machine !== undefined)
      onMachineServed?.(pool, jti, machine, request.remoteAddress);
    else onServed?.(found.secret, tokenHash, request.remoteAddress);
    const representation = acceptsGzip(request.acceptEncoding) ? body.gzip : body.identity;
    const answer = matchesEtag(request.ifNoneMatch, representation.etag)
      ? representation.notModified
      : representation.ok;
    return { answer, pool, tokenFingerprint, machine };
  }

  return function answerIgnition(request: IgnitionRequest): IgnitionOutcome | Promise<IgnitionOutcome> {
    const auth = authenticate(request.authorization, request.remoteAddress);
    return auth instanceof Promise
      ? auth.then((settled) => respond(request, settled))
      : respond(request, auth);
  };
}

export type IgnitionResponder = ReturnType<typeof createIgnitionResponder>;
