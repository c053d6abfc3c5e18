import type { ErrorCode } from '../errors/KindlingError.ts';

/**
 * An answer as plain data: status, prepared headers and bytes. Both the Hono app and the raw `node:http` fast
 * path write it, so the logic that picks it is tested once, without sockets.
 */
export interface HttpAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  /**
   * The same headers as node:http's flat `[name, value, …]` list, made with the answer: `writeHead` walks an
   * object's keys (and checks each is its own) on every request, a list it only reads.
   */
  headerList?: readonly string[];
  body: Buffer | null;
  errorCode?: ErrorCode;
}

/**
 * The answer with its header list made once, for an answer served many times (see `headerList`). Every
 * prepared answer, success or error, has the same fields in the same order, so the code that writes them sees
 * one shape of object, not several.
 */
export function withHeaderList(answer: HttpAnswer): HttpAnswer & { headerList: readonly string[] } {
  const { status, headers, body, errorCode } = answer;
  return { status, headers, headerList: Object.entries(headers).flat(), body, errorCode };
}
