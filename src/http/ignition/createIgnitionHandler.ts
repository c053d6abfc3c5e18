import type { Context } from 'hono';
import type { PayloadFormat } from '../../tokens/TokenSecret.ts';
import type { AppEnv } from '../AppEnv.ts';
import type { IgnitionOutcome, IgnitionResponder } from './createIgnitionResponder.ts';

function respond(c: Context<AppEnv>, { answer, pool, tokenFingerprint, machine }: IgnitionOutcome): Response {
  c.set('pool', pool);
  c.set('tokenFingerprint', tokenFingerprint);
  c.set('machine', machine);
  c.set('errorCode', answer.errorCode);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * GET/HEAD /ignition or /cloud-config inside the Hono app (Hono answers HEAD with the GET's status and headers, no body).
 * A per-machine token's answer comes as a promise; Hono's onError answers if it rejects.
 */
export function createIgnitionHandler({
  answerIgnition,
  remoteAddress,
  format,
}: {
  answerIgnition: IgnitionResponder;
  remoteAddress: (c: Context<AppEnv>) => string;
  format: PayloadFormat;
}) {
  return function ignition(c: Context<AppEnv>): Response | Promise<Response> {
    const outcome = answerIgnition({
      format,
      authorization: c.req.header('authorization'),
      accept: c.req.header('accept'),
      acceptEncoding: c.req.header('accept-encoding'),
      ifNoneMatch: c.req.header('if-none-match'),
      remoteAddress: remoteAddress(c),
    });
    return outcome instanceof Promise ? outcome.then((settled) => respond(c, settled)) : respond(c, outcome);
  };
}
