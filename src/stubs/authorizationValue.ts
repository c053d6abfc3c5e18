import { KindlingError } from '../errors/KindlingError.ts';

// RFC 6750 §2.1 b64token. UUIDs, their base64 and compact JWS all fit, and none of these characters means
// anything to JSON, YAML or a shell, so the value can be embedded in a stub without quoting tricks.
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** `Bearer <token>`, the value of the Authorization header a stub sends. The token is never quoted back. */
export function authorizationValue(token: string): string {
  if (!B64TOKEN.test(token)) {
    throw new KindlingError(
      'ERR_CONFIG_INVALID',
      'the token is not a valid bearer token (RFC 6750 b64token)',
      {
        path: 'token',
      },
    );
  }
  return `Bearer ${token}`;
}
