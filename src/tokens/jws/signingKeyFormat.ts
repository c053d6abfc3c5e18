/**
 * Where machine-token keys live (Secret formats v1). Two Secrets, because the two sides need different
 * halves and Kubernetes RBAC cannot grant part of a Secret:
 *
 * - `kindling.dev/signing-key` (private): `current.jwk` is the private JWK that signs, `previous.jwk` the
 *   public JWK of the key it replaced (optional; an old private key has no use left, so it is not kept).
 *   Only those who mint (the CLI, an operator's credentials) read it. Keep it in a namespace the server's
 *   ServiceAccount cannot read: the server lists and watches Secrets in its own namespace, so any Secret
 *   there is effectively held by the server.
 * - `kindling.dev/verification-keys` (public): `current.jwk` and `previous.jwk` (optional), both public
 *   JWKs. The server reads this one and verifies with both keys. It never signs, so it never needs the
 *   private key, and a compromised server (or a leaked copy of its Secrets) cannot mint tokens.
 *
 * Every JWK carries `kid` = its RFC 7638 thumbprint, checked on read. Rotation: generate a key, write
 * `current` = new private key and `previous` = the public half of the old one into the signing-key Secret,
 * and the same two public halves into the verification-keys Secret. Tokens signed by the old key keep
 * verifying until the next rotation drops it.
 */
export const SIGNING_KEY_SECRET_TYPE = 'kindling.dev/signing-key';
export const VERIFICATION_KEYS_SECRET_TYPE = 'kindling.dev/verification-keys';
export const CURRENT_KEY = 'current.jwk';
export const PREVIOUS_KEY = 'previous.jwk';
