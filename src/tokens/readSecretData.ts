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
  const bytes = secret.dataBytes?.[key];
  if (bytes !== undefined) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const encoded = secret.data?.[key];
  if (encoded === undefined) return undefined;
  // Line breaks are forgiven, as in hand-written manifests; the API server itself never sends them.
  const decoded = decodeBase64(encoded) ?? decodeBase64(encoded.replace(/\s+/g, ''));
  if (decoded === undefined) {
    throw new KindlingError('ERR_SECRET_INVALID', `data.${key} is not valid base64`, {
      rule: 'bad-base64',
      path: `data.${key}`,
    });
  }
  return decoded;
}

/** Whether a Secret holds `key`, in whichever form it came. */
export function hasSecretData(secret: SecretObject, key: string): boolean {
  return (
    secret.stringData?.[key] !== undefined ||
    secret.dataBytes?.[key] !== undefined ||
    secret.data?.[key] !== undefined
  );
}
