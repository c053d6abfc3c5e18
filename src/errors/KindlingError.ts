/**
 * Every error kindling raises on purpose. `code` is stable: tests, logs, metrics and the HTTP mapping
 * (http/toErrorResponse.ts, the only place errors become answers) depend on it, never on the message.
 */
export const ERROR_CODES = [
  // A request the server will never answer with a payload: Ignition gives up at once (4xx).
  'ERR_UNAUTHORIZED',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_REVOKED',
  'ERR_NOT_ACCEPTABLE',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_NOT_FOUND',
  'ERR_BAD_REQUEST',
  'ERR_BODY_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_REPORT_INVALID',
  'ERR_REPORT_CONFLICT',
  // "Not yet": Ignition keeps retrying a 5xx, which is what a booting machine must do (5xx).
  'ERR_TOKEN_UNKNOWN',
  'ERR_TOKEN_CONFLICT',
  'ERR_SECRET_REFUSED',
  'ERR_NOT_READY',
  'ERR_RATE_LIMITED',
  'ERR_INTERNAL',
  'ERR_REPORT_NOT_STORED',
  // Raised while loading data or configuration; never sent to a client as such.
  'ERR_SECRET_INVALID',
  'ERR_PAYLOAD_INVALID',
  'ERR_TEMPLATE_INVALID',
  'ERR_RENDER_FAILED',
  'ERR_CONFIG_INVALID',
  'ERR_SOURCE_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface KindlingErrorOptions {
  /** A short, stable, machine-readable sub-reason (a Secret rule such as `bad-uuid`). */
  rule?: string;
  /** Where in the input the problem is (a JSON pointer, a field name). */
  path?: string;
  cause?: unknown;
}

export class KindlingError extends Error {
  override readonly name = 'KindlingError';
  readonly code: ErrorCode;
  readonly rule: string | undefined;
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, { rule, path, cause }: KindlingErrorOptions = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.rule = rule;
    this.path = path;
  }
}

export function isKindlingError(error: unknown, code?: ErrorCode): error is KindlingError {
  return error instanceof KindlingError && (code === undefined || error.code === code);
}
