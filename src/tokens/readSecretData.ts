import { KindlingError } from '../errors/KindlingError.ts';
import type { SecretObject } from './SecretObject.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of one key of a Secret, or undefined when it is absent. `stringData` wins over `data`, as the
 * API server does when it folds one into the other.
 */
export function readSecretData(secret: SecretObject, key: string): Buffer | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return Buffer.from(plain, 'utf8');
  const encoded = secret.data?.[key];
  if (encoded === undefined) return undefined;
  const compact = encoded.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new KindlingError('ERR_SECRET_INVALID', `data.${key} is not valid base64`, {
      rule: 'bad-base64',
      path: `data.${key}`,
    });
  }
  return Buffer.from(compact, 'base64');
}
