import { createECDH } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { KindlingError } from '../../errors/KindlingError.ts';
import { readSecretData } from '../readSecretData.ts';
import type { SecretObject } from '../SecretObject.ts';
import { describeEs256JwkProblem } from './describeEs256JwkProblem.ts';
import {
  CURRENT_KEY,
  PREVIOUS_KEY,
  SIGNING_KEY_SECRET_TYPE,
  VERIFICATION_KEYS_SECRET_TYPE,
} from './signingKeyFormat.ts';
import { toPublicJwk } from './toPublicJwk.ts';

export interface SigningKeys {
  /** The private key that signs; only a `kindling.dev/signing-key` Secret has one. */
  privateJwk: JWK | undefined;
  /** What verifies: the current public key first, then the previous one when there is one. */
  publicJwks: JWK[];
}

/**
 * Reads either key Secret (see signingKeyFormat.ts) and checks it fully, so that a broken key fails here,
 * once, and not as a 401 at every boot: JWK shapes, `kid` = RFC 7638 thumbprint, the private key matching
 * its public coordinates, and no private key where only public keys belong. Throws ERR_SECRET_INVALID with
 * a rule (`wrong-type`, `missing-key`, `bad-base64`, `bad-jwk`, `private-key-exposed`, `wrong-kid`,
 * `key-mismatch`, `same-key`); messages never quote key material.
 */
export async function readSigningKeySecret(secret: SecretObject): Promise<SigningKeys> {
  const signing = secret.type === SIGNING_KEY_SECRET_TYPE;
  if (!signing && secret.type !== VERIFICATION_KEYS_SECRET_TYPE) {
    const expected = `"${SIGNING_KEY_SECRET_TYPE}" or "${VERIFICATION_KEYS_SECRET_TYPE}"`;
    throw invalid(
      'wrong-type',
      'type',
      `type is ${JSON.stringify(secret.type ?? null)}, expected ${expected}`,
    );
  }
  const current = await readJwk(secret, CURRENT_KEY, signing ? 'private' : 'public');
  if (current === undefined) {
    throw invalid('missing-key', `data.${CURRENT_KEY}`, `data.${CURRENT_KEY} is missing`);
  }
  if (signing) checkKeyPair(current);
  const previous = await readJwk(secret, PREVIOUS_KEY, 'public');
  if (previous?.kid === current.kid) {
    throw invalid(
      'same-key',
      `data.${PREVIOUS_KEY}`,
      `data.${PREVIOUS_KEY} is the same key as data.${CURRENT_KEY}`,
    );
  }
  // Allow-listed members only: a stray `key_ops` or `ext` would make jose pass over the key.
  const publicJwks = [current, ...(previous === undefined ? [] : [previous])].map(toPublicJwk);
  return { privateJwk: signing ? current : undefined, publicJwks };
}

async function readJwk(
  secret: SecretObject,
  key: string,
  half: 'private' | 'public',
): Promise<JWK | undefined> {
  const path = `data.${key}`;
  const bytes = readSecretData(secret, key);
  if (bytes === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    // JSON.parse's message quotes the input, which is a key here: say only what is wrong.
    throw invalid('bad-jwk', path, `${path} is not JSON`);
  }
  const problem = describeEs256JwkProblem(value, half);
  if (problem !== undefined) {
    const exposed = half === 'public' && (value as JWK).d !== undefined;
    throw invalid(exposed ? 'private-key-exposed' : 'bad-jwk', path, `${path}: ${problem}`);
  }
  const jwk = value as JWK;
  if ((await calculateJwkThumbprint(jwk, 'sha256')) !== jwk.kid) {
    throw invalid('wrong-kid', path, `${path}: kid is not the key's RFC 7638 thumbprint`);
  }
  return jwk;
}

/**
 * `d` is what signs and `x`/`y` what verifies: they must be one key pair, or every token would fail. The
 * public point is computed from `d` (ECDH does the scalar multiplication); importing the JWK would not do:
 * OpenSSL keeps the given x/y as they are.
 */
function checkKeyPair(jwk: JWK): void {
  const path = `data.${CURRENT_KEY}`;
  let point: Buffer;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(jwk.d ?? '', 'base64url'));
    point = ecdh.getPublicKey();
  } catch {
    throw invalid('bad-jwk', path, `${path}: not a valid P-256 private key`);
  }
  // Uncompressed point: 0x04, then x and y, 32 bytes each.
  const x = point.subarray(1, 33).toString('base64url');
  const y = point.subarray(33).toString('base64url');
  if (x !== jwk.x || y !== jwk.y) {
    throw invalid('key-mismatch', path, `${path}: the private key does not match its public coordinates`);
  }
}

function invalid(rule: string, path: string, message: string): KindlingError {
  return new KindlingError('ERR_SECRET_INVALID', `signing key Secret: ${message}`, { rule, path });
}
