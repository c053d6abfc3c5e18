import { KindlingError } from '../errors/KindlingError.ts';
import { decodeBase64 } from '../payload/decodeBase64.ts';
import type { SecretObject } from './SecretObject.ts';

/**
 * The bytes of one key of a Secret, or undefined when it is absent. `stringData` wins over `data`, as the
 * API server does when it folds one into the other.
 */
export function readSecretData(secret: SecretObject, key: string): Buffer | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return Buffer.from(plain, 'utf8');
  const encoded = secret.data?.[key];
  if (encoded === undefined) return undefined;
  // Line breaks are forgiven, as in hand-written manifests; the API server itself never sends them.
  const bytes = decodeBase64(encoded) ?? decodeBase64(encoded.replace(/\s+/g, ''));
  if (bytes === undefined) {
    throw new KindlingError('ERR_SECRET_INVALID', `data.${key} is not valid base64`, {
      rule: 'bad-base64',
      path: `data.${key}`,
    });
  }
  return bytes;
}
