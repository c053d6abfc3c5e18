/**
 * Per-machine signed tokens (format v1): a compact JWS (RFC 7515) carrying a JWT (RFC 7519).
 *
 * Header: `alg: ES256` (the only algorithm minted or accepted), `kid` (the RFC 7638 thumbprint of the
 * signing key), `typ: kindling-machine+jwt` (explicit typing, RFC 8725 §3.11, so that no other JWT signed
 * by the same key can be replayed as a machine token).
 * Claims: `kindling.dev/pool` (the pool, a DNS label), `sub` (the machine, a DNS subdomain), `jti` (unique),
 * `aud` (the server), `iat`, `exp`.
 */
export const MACHINE_TOKEN_ALG = 'ES256';
export const MACHINE_TOKEN_TYP = 'kindling-machine+jwt';
/** A namespaced claim name (RFC 7519 §4.2), the same as the pool label of token Secrets. */
export const POOL_CLAIM = 'kindling.dev/pool';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

export function isPoolName(value: unknown): value is string {
  return typeof value === 'string' && DNS_LABEL.test(value);
}

/**
 * A machine name is a Kubernetes node name (a DNS subdomain). Templates may print it as the hostname, so
 * nothing else is ever signed or accepted: no shell, YAML or JSON metacharacter can reach a payload.
 */
export function isMachineName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 253 &&
    value.split('.').every((label) => DNS_LABEL.test(label))
  );
}
