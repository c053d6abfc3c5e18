import { decodePayload } from '../../../tokens/decodePayload.ts';
import { readSecretData } from '../../../tokens/readSecretData.ts';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import { MAX_PAYLOAD_BYTES } from './readPoolSource.ts';

/**
 * The bytes a payload pool serves (decompressed, what Ignition parses and a pin hashes); undefined for a
 * template pool, whose bytes the server renders.
 */
export function readPoolPayload(secret: SecretObject): Buffer | undefined {
  const raw = readSecretData(secret, 'payload');
  return raw === undefined ? undefined : decodePayload(raw, { maxBytes: MAX_PAYLOAD_BYTES });
}
