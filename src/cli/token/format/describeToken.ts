import { fingerprint, hashToken } from '../../../tokens/hashToken.ts';
import { rfc3339 } from './timeFormat.ts';

/** What the CLI shows of a token: `fp 3f9a1c2e`, the first 8 hex of its SHA-256, as the server logs it. */
export function tokenFingerprint(token: string): string {
  return fingerprint(hashToken(token));
}

export function describeExpiry(expiresAt: number | undefined): string {
  return expiresAt === undefined ? 'no expiry' : `expires ${rfc3339(expiresAt)}`;
}
