import { hash } from 'node:crypto';

/** Tokens are only ever stored, compared and looked up through their SHA-256 (hex). */
export function hashToken(token: string): string {
  // The one-shot API: no Hash object per request on the hot path.
  return hash('sha256', token, 'hex');
}

/** What logs and the CLI show of a token: the first 8 hex of its SHA-256, never the token. */
export function fingerprint(tokenHash: string): string {
  return tokenHash.slice(0, 8);
}
