import { hashToken } from '../../tokens/hashToken.ts';
import { parseUuid } from '../../tokens/parseUuid.ts';
import { bearerCredential } from './bearerCredential.ts';

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CANONICAL_LENGTH = 'Bearer '.length + 36;

/**
 * The SHA-256 of the token in an `Authorization: Bearer …` header, or undefined when the header is missing
 * or malformed. Accepts the UUID itself and the base64 of the UUID string (what HyperShift's stubs send).
 * The token itself never leaves this function.
 */
export function readBearer(header: string | undefined): string | undefined {
  if (isStubBearer(header)) return hashToken(header.slice(7));
  const credential = bearerCredential(header);
  if (credential === undefined) return undefined;
  let uuid = parseUuid(credential);
  // A UUID is 36 characters, so its base64 is 48: anything else cannot be one.
  if (uuid === undefined && credential.length >= 48 && credential.length <= 50 && BASE64.test(credential)) {
    uuid = parseUuid(Buffer.from(credential, 'base64').toString('latin1'));
  }
  return uuid === undefined ? undefined : hashToken(uuid);
}

const hasStubShape = (header: string | undefined): header is string =>
  header?.length === CANONICAL_LENGTH && header.startsWith('Bearer ');

/** Whether the header is exactly what stubs send: `Bearer ` and a lower-case UUID. */
export function isStubBearer(header: string | undefined): header is string {
  return hasStubShape(header) && CANONICAL_UUID.test(header.slice(7));
}

/**
 * The SHA-256 of the 36 characters after `Bearer `, not checked to be a UUID: for a lookup made before the
 * check (see createAuthenticator). Undefined when the header is not of that length and prefix.
 */
export function hashStubShapedBearer(header: string | undefined): string | undefined {
  return hasStubShape(header) ? hashToken(header.slice(7)) : undefined;
}
