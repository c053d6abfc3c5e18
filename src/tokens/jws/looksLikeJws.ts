/** Far above any machine token (~400 bytes), far below the server's header limit. */
export const MAX_JWS_LENGTH = 4096;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether a bearer credential (the part after `Bearer `) has the shape of a compact JWS: three non-empty
 * base64url segments. Neither a UUID nor its base64 can contain a dot, so the server can route on this
 * before the UUID path without ambiguity. Shape only: nothing is decoded or trusted.
 */
export function looksLikeJws(bearer: string): boolean {
  return bearer.length <= MAX_JWS_LENGTH && COMPACT_JWS.test(bearer);
}
