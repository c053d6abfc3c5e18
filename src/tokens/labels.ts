/** The label and annotation names of token Secret format v1. */
export const SECRET_TYPE = 'kindling.dev/token';
export const LABEL_TOKEN_SECRET = 'kindling.dev/token-secret';
export const LABEL_POOL = 'kindling.dev/pool';
export const ANNOTATION_EXPIRES_AT = 'kindling.dev/expires-at';
export const ANNOTATION_PREVIOUS_EXPIRES_AT = 'kindling.dev/previous-token-expires-at';
export const DEFAULT_SELECTOR = `${LABEL_TOKEN_SECRET}=true`;
/** When and from which address a token was first served; written by the Kubernetes source. */
export const ANNOTATION_FIRST_FETCH_AT = 'kindling.dev/first-fetch-at';
export const ANNOTATION_FIRST_FETCH_FROM = 'kindling.dev/first-fetch-from';
/** `fingerprint()` of the token that record is about: a rotated token gets its own record. */
export const ANNOTATION_FIRST_FETCH_TOKEN = 'kindling.dev/first-fetch-token';
/** A template Secret's rendering: `ok`, or `failed: <rule>: <why>`; written by the Kubernetes source. */
export const ANNOTATION_RENDER_STATUS = 'kindling.dev/render-status';
/** `sha256:<hex>` of the Ignition bytes served for a template Secret, as served without conversion. */
export const ANNOTATION_CONFIG_HASH = 'kindling.dev/config-hash';
