import type { ErrorCode } from '../../errors/KindlingError.ts';
import type { ErrorAnswers } from '../errors/createErrorAnswers.ts';

/**
 * The prepared answer of `code` (errors/createErrorAnswers.ts decides status, headers and message), with
 * the message made precise: `<meaning>: <detail>`. A report is refused for a reason its sender can act on
 * (which field, which limit), and the prepared answers have one fixed message per code. `detail` is built
 * from the schema and limits only, never from the request.
 */
export function errorWithDetail(
  errors: ErrorAnswers,
  code: ErrorCode,
  { detail, headers: extraHeaders }: { detail?: string; headers?: Record<string, string> } = {},
): Response {
  if (detail === undefined && extraHeaders === undefined) return errors.response(code);
  const { status, headers, body } = errors.answer(code);
  const { message } = JSON.parse(body?.toString('utf8') ?? '{}') as { message?: string };
  const text = Buffer.from(
    `${JSON.stringify({ error: code, message: detail === undefined ? message : `${message}: ${detail}` })}\n`,
  );
  return new Response(text, {
    status,
    headers: { ...headers, ...extraHeaders, 'Content-Length': String(text.length) },
  });
}
