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
  // What stubs send: `Bearer ` and a lower-case UUID, exactly. Checked without building a match or a copy.
  if (header?.length === CANONICAL_LENGTH && header.startsWith('Bearer ')) {
    const token = header.slice(7);
    if (CANONICAL_UUID.test(token)) return hashToken(token);
  }
  const credential = bearerCredential(header);
  if (credential === undefined) return undefined;
  let uuid = parseUuid(credential);
  // A UUID is 36 characters, so its base64 is 48: anything else cannot be one.
  if (uuid === undefined && credential.length >= 48 && credential.length <= 50 && BASE64.test(credential)) {
    uuid = parseUuid(Buffer.from(credential, 'base64').toString('latin1'));
  }
  return uuid === undefined ? undefined : hashToken(uuid);
}
