import type { ErrorCode } from '../../errors/KindlingError.ts';
import { withHeaderList, type HttpAnswer } from '../HttpAnswer.ts';

interface Meaning {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

// What each code means to a booting machine. 4xx: Ignition gives up at once, so only for "never".
// 5xx + Retry-After: Ignition retries forever, so every "not yet" is a 503 (never 429, which it abandons).
// Messages say what kind of error it is and never name a pool, a Secret or a token.
const MEANINGS: Record<ErrorCode, Meaning> = {
  ERR_UNAUTHORIZED: {
    status: 401,
    message: 'missing or malformed bearer token',
    headers: { 'WWW-Authenticate': 'Bearer realm="kindling"' },
  },
  ERR_TOKEN_EXPIRED: { status: 403, message: 'token expired' },
  ERR_TOKEN_REVOKED: { status: 403, message: 'token revoked' },
  ERR_NOT_ACCEPTABLE: {
    status: 406,
    message: 'the payload cannot be expressed in the requested Ignition spec',
  },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed', headers: { Allow: 'GET, HEAD' } },
  ERR_NOT_FOUND: { status: 404, message: 'not found' },
  ERR_BAD_REQUEST: { status: 400, message: 'bad request' },
  // POST /advertise: a report that can never be stored as sent (the advertise script does not retry 4xx).
  ERR_BODY_TOO_LARGE: { status: 413, message: 'request body too large' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the body must be Content-Type: application/json' },
  ERR_REPORT_INVALID: { status: 422, message: 'the report does not match the machine report schema' },
  ERR_REPORT_CONFLICT: { status: 409, message: 'the report may not replace the stored one' },
  ERR_TOKEN_UNKNOWN: { status: 503, message: 'token not known (yet); retry' },
  ERR_TOKEN_CONFLICT: { status: 503, message: 'token is claimed by more than one configuration; retry' },
  ERR_SECRET_REFUSED: { status: 503, message: 'configuration for this token is invalid; retry' },
  ERR_NOT_READY: { status: 503, message: 'server not ready; retry' },
  ERR_RATE_LIMITED: { status: 503, message: 'too many failed requests from this address; retry' },
  ERR_INTERNAL: { status: 500, message: 'internal error; retry' },
  ERR_REPORT_NOT_STORED: { status: 503, message: 'the report could not be stored; retry' },
  ERR_SECRET_INVALID: { status: 503, message: 'configuration for this token is invalid; retry' },
  ERR_PAYLOAD_INVALID: { status: 503, message: 'configuration for this token is invalid; retry' },
  ERR_TEMPLATE_INVALID: { status: 503, message: 'configuration for this token is invalid; retry' },
  ERR_RENDER_FAILED: { status: 503, message: 'configuration for this token is not rendered yet; retry' },
  ERR_CONFIG_INVALID: { status: 500, message: 'internal error; retry' },
  ERR_SOURCE_FAILED: { status: 503, message: 'server not ready; retry' },
};

export interface ErrorAnswers {
  answer(code: ErrorCode): HttpAnswer;
  response(code: ErrorCode): Response;
}

/**
 * The one place where errors become HTTP answers. Bodies and headers are built once per code, so an error
 * answer allocates no more than a success.
 */
export function createErrorAnswers({ retryAfterSeconds }: { retryAfterSeconds: number }): ErrorAnswers {
  const prepared = new Map<ErrorCode, HttpAnswer>();
  for (const [code, meaning] of Object.entries(MEANINGS) as [ErrorCode, Meaning][]) {
    const body = Buffer.from(`${JSON.stringify({ error: code, message: meaning.message })}\n`);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...meaning.headers,
    };
    if (meaning.status >= 500) headers['Retry-After'] = String(retryAfterSeconds);
    prepared.set(code, withHeaderList({ status: meaning.status, headers, body, errorCode: code }));
  }
  const answer = (code: ErrorCode) => prepared.get(code) ?? (prepared.get('ERR_INTERNAL') as HttpAnswer);
  return {
    answer,
    response(code) {
      const { status, headers, body } = answer(code);
      return new Response(body, { status, headers });
    },
  };
}
