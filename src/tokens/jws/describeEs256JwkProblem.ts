import type { JWK } from 'jose';

/** Base64url of a 32-byte P-256 coordinate or scalar, unpadded (RFC 7518 §6.2.1.2: full length). */
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/**
 * What makes a value unusable as a machine-token key, or undefined when it is a P-256 JWK of the wanted
 * half with a `kid`. `private` wants `d`; `public` refuses it, so that a private key is never handed, by
 * mistake, to something that only verifies. The answer never quotes the key.
 */
export function describeEs256JwkProblem(value: unknown, half: 'private' | 'public'): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const jwk = value as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') return 'not an EC P-256 key (kty "EC", crv "P-256")';
  if (!isCoordinate(jwk.x) || !isCoordinate(jwk.y)) return 'x and y must be base64url P-256 coordinates';
  if (half === 'private' && !isCoordinate(jwk.d)) return 'not a private key (d is missing or malformed)';
  if (half === 'public' && jwk.d !== undefined)
    return 'holds a private key (d) where only a public key belongs';
  if (typeof jwk.kid !== 'string' || jwk.kid === '') return 'kid is missing';
  if (jwk.alg !== undefined && jwk.alg !== 'ES256') return 'alg must be ES256';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'use must be "sig"';
  return undefined;
}

function isCoordinate(value: unknown): boolean {
  return typeof value === 'string' && COORDINATE.test(value);
}
