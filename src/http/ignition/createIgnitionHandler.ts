import type { Context } from 'hono';
import type { PayloadFormat } from '../../tokens/TokenSecret.ts';
import type { AppEnv } from '../AppEnv.ts';
import type { IgnitionResponder } from './createIgnitionResponder.ts';

/** GET/HEAD /ignition or /cloud-config inside the Hono app (Hono answers HEAD with the GET's status and headers, no body). */
export function createIgnitionHandler({
  answerIgnition,
  remoteAddress,
  format,
}: {
  answerIgnition: IgnitionResponder;
  remoteAddress: (c: Context<AppEnv>) => string;
  format: PayloadFormat;
}) {
  return function ignition(c: Context<AppEnv>): Response {
    const { answer, pool, tokenFingerprint } = answerIgnition({
      format,
      authorization: c.req.header('authorization'),
      accept: c.req.header('accept'),
      acceptEncoding: c.req.header('accept-encoding'),
      ifNoneMatch: c.req.header('if-none-match'),
      remoteAddress: remoteAddress(c),
    });
    c.set('pool', pool);
    c.set('tokenFingerprint', tokenFingerprint);
    c.set('errorCode', answer.errorCode);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
