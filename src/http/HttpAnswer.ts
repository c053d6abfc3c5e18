import type { ErrorCode } from '../errors/KindlingError.ts';

/**
 * An answer as plain data: status, prepared headers and bytes. Both the Hono app and the raw `node:http` fast
 * path write it, so the logic that picks it is tested once, without sockets.
 */
export interface HttpAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Buffer | null;
  errorCode?: ErrorCode;
}
