import { KindlingError } from '../../../errors/KindlingError.ts';
import { parseTokenSecret } from '../../../tokens/parseTokenSecret.ts';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import type { TokenSecret } from '../../../tokens/TokenSecret.ts';
import { clusterError } from '../../CommandError.ts';
import { MAX_PAYLOAD_BYTES } from './readPoolSource.ts';

/** The API server's limit on a Secret's data, keys included (ValidateSecret's MaxSecretSize). */
export const MAX_SECRET_BYTES = 1024 * 1024;

/**
 * Checks a token Secret as it will be written against every rule the server applies, and against the API
 * server's size limit, so that a command never writes a Secret the server would refuse (a refused Secret
 * leaves its last good version served, which for a revocation would mean no revocation at all).
 */
export function checkServable(secret: SecretObject, what: string): TokenSecret {
  let size = 0;
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    size += key.length + Buffer.byteLength(value, 'base64');
  }
  if (size > MAX_SECRET_BYTES) {
    throw clusterError(
      `${what} would hold ${size} bytes, over the API server's limit of ${MAX_SECRET_BYTES} for a Secret`,
    );
  }
  try {
    return parseTokenSecret(secret, { maxPayloadBytes: MAX_PAYLOAD_BYTES });
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    throw clusterError(
      `${what} would be refused by the server (${error.rule ?? 'invalid'}): ${error.message}; fix or delete it`,
    );
  }
}
