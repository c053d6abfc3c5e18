import type { JWK } from 'jose';

/**
 * The public half of an EC JWK. Built from an allow-list of members rather than by deleting `d`, so that
 * no private member (nor any future one) can slip through.
 */
export function toPublicJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, kid, alg, use } = jwk;
  const members = { kty, crv, x, y, kid, alg, use };
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined)) as JWK;
}
