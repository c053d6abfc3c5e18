import type { KindlingError } from '../errors/KindlingError.ts';

/** An ERR_PAYLOAD_INVALID's message without the config path it starts with (kept apart, in `path`). */
export function payloadProblem(error: KindlingError): string {
  const prefix = `${error.path ?? ''}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
