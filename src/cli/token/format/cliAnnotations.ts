/*
 * What the CLI writes beside token Secret format v1. The server ignores all of it: these record how a pool
 * was made, so that later commands (rotate, revoke, list) can act the same way and say what they did.
 */

/** On a token Secret: the TTL a new token of the pool gets (whole seconds; 0: no expiry). */
export const ANNOTATION_TOKEN_TTL_SECONDS = 'kindling.dev/token-ttl-seconds';
/** On a token Secret: when the current token was issued (RFC 3339); the age `token list` shows. */
export const ANNOTATION_TOKEN_ISSUED_AT = 'kindling.dev/token-issued-at';
/** On a token Secret: when `token revoke --pool` revoked its tokens (RFC 3339). */
export const ANNOTATION_REVOKED_AT = 'kindling.dev/revoked-at';
/** On a token Secret: the kube-system bootstrap token `token create --bootstrap-token` made for the pool. */
export const ANNOTATION_BOOTSTRAP_TOKEN_SECRET = 'kindling.dev/bootstrap-token-secret';

/** On a userdata Secret written by `stub --to-secret`: the pool whose token it holds. */
export const LABEL_STUB_POOL = 'kindling.dev/stub-for-pool';
/** On a userdata Secret: how the stub was made (StubOptions as JSON), so a rotation can make it again. */
export const ANNOTATION_STUB_OPTIONS = 'kindling.dev/stub-options';

/** The token Secret of a pool is named after it: the API server then refuses a second one (409). */
export function tokenSecretName(pool: string): string {
  return `token-${pool}`;
}

/** The description of a bootstrap token made for a pool; also how the CLI knows it made it. */
export function bootstrapTokenDescription(namespace: string, pool: string): string {
  return `kindling pool ${namespace}/${pool}`;
}
