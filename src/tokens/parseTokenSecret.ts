import { createHash } from 'node:crypto';
import { KindlingError } from '../errors/KindlingError.ts';
import { validateIgnitionBytes } from '../payload/validateIgnitionBytes.ts';
import type { NodeTemplate } from '../templates/NodeTemplate.ts';
import { parseNodeTemplate } from '../templates/parseNodeTemplate.ts';
import { decodePayload } from './decodePayload.ts';
import { hashToken } from './hashToken.ts';
import { ANNOTATION_EXPIRES_AT, ANNOTATION_PREVIOUS_EXPIRES_AT, LABEL_POOL, SECRET_TYPE } from './labels.ts';
import { parseUuid } from './parseUuid.ts';
import { readSecretData } from './readSecretData.ts';
import { secretKey, type SecretObject } from './SecretObject.ts';
import type { StoredPayload, TokenSecret } from './TokenSecret.ts';

export interface ParseTokenSecretOptions {
  maxPayloadBytes: number;
  /**
   * A payload already held with these bytes (by SHA-256): identical payloads of several Secrets share one
   * instance and one set of derived bytes, and are validated once.
   */
  knownPayload?: (contentHash: string) => StoredPayload | undefined;
}

// RFC 3339 with a mandatory zone, as Kubernetes writes timestamps.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const POOL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function invalid(rule: string, path: string, message: string, cause?: unknown): KindlingError {
  return new KindlingError('ERR_SECRET_INVALID', message, { rule, path, cause });
}

function readTimestamp(secret: SecretObject, annotation: string): number | undefined {
  const text = secret.metadata.annotations?.[annotation];
  if (text === undefined) return undefined;
  const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw invalid(
      'bad-annotation',
      `metadata.annotations.${annotation}`,
      `${annotation} is not an RFC 3339 time`,
    );
  }
  return ms;
}

function readToken(secret: SecretObject, key: string): string | undefined {
  const bytes = readSecretData(secret, key);
  if (bytes === undefined) return undefined;
  const token = parseUuid(bytes.toString('utf8'));
  if (token === undefined) throw invalid('bad-uuid', `data.${key}`, `data.${key} is not a UUID`);
  return token;
}

/** Checks a Secret against every rule of token Secret format v1. Throws ERR_SECRET_INVALID naming the rule. */
export function parseTokenSecret(secret: SecretObject, options: ParseTokenSecretOptions): TokenSecret {
  const { name, namespace = 'default', labels = {} } = secret.metadata ?? {};
  if (typeof name !== 'string' || name === '')
    throw invalid('missing-name', 'metadata.name', 'metadata.name is missing');
  if (secret.type !== SECRET_TYPE) {
    throw invalid(
      'wrong-type',
      'type',
      `type is ${JSON.stringify(secret.type ?? null)}, expected "${SECRET_TYPE}"`,
    );
  }
  const pool = labels[LABEL_POOL];
  if (pool === undefined || !POOL.test(pool)) {
    throw invalid('bad-pool', `metadata.labels.${LABEL_POOL}`, `label ${LABEL_POOL} must be a DNS label`);
  }
  const token = readToken(secret, 'token');
  if (token === undefined) throw invalid('missing-token', 'data.token', 'data.token is missing');
  const previousToken = readToken(secret, 'previous-token');
  if (previousToken === token) {
    throw invalid('same-token', 'data.previous-token', 'data.previous-token equals data.token');
  }
  const expiresAt = readTimestamp(secret, ANNOTATION_EXPIRES_AT);
  const previousTokenExpiresAt = readTimestamp(secret, ANNOTATION_PREVIOUS_EXPIRES_AT);

  const raw = readSecretData(secret, 'payload');
  const rawTemplate = readSecretData(secret, 'template');
  if (raw !== undefined && rawTemplate !== undefined) {
    throw invalid('payload-and-template', 'data', 'data.payload and data.template exclude each other');
  }
  if (raw === undefined && rawTemplate === undefined) {
    throw invalid('missing-payload', 'data.payload', 'data.payload (or data.template) is missing');
  }
  let payload: StoredPayload | undefined;
  let template: NodeTemplate | undefined;
  if (raw !== undefined) {
    const bytes = decodePayload(raw, { maxBytes: options.maxPayloadBytes });
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    payload = options.knownPayload?.(contentHash) ?? validatePayload(bytes, contentHash);
  } else if (rawTemplate !== undefined) {
    template = readTemplate(
      decodePayload(rawTemplate, { maxBytes: options.maxPayloadBytes, field: 'template' }),
    );
  }
  return {
    key: secretKey({ namespace, name }),
    namespace,
    name,
    pool,
    resourceVersion: secret.metadata.resourceVersion,
    tokenHash: hashToken(token),
    previousTokenHash: previousToken === undefined ? undefined : hashToken(previousToken),
    expiresAt,
    previousTokenExpiresAt,
    payload,
    template,
  };
}

function readTemplate(bytes: Buffer): NodeTemplate {
  try {
    return parseNodeTemplate(bytes.toString('utf8'));
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    const where = error.path ? ` at ${error.path}` : '';
    throw invalid(
      `template-${error.rule ?? 'invalid'}`,
      'data.template',
      `template${where}: ${error.message}`,
      error,
    );
  }
}

function validatePayload(bytes: Buffer, contentHash: string): StoredPayload {
  try {
    return { contentHash, format: 'ignition', version: validateIgnitionBytes(bytes), bytes };
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    const where = error.path ? ` at ${error.path}` : '';
    throw invalid(
      error.rule ?? 'invalid-ignition',
      'data.payload',
      `payload${where}: ${error.message}`,
      error,
    );
  }
}

/**
 * The hashes of whatever well-formed tokens a refused Secret holds, so that those tokens answer "refused,
 * retry" (503) instead of "unknown" while an operator fixes the Secret.
 */
export function claimedTokenHashes(secret: SecretObject): string[] {
  const hashes: string[] = [];
  for (const key of ['token', 'previous-token']) {
    try {
      const token = readToken(secret, key);
      if (token !== undefined) hashes.push(hashToken(token));
    } catch {
      // A malformed token claims nothing.
    }
  }
  return hashes;
}

/**
 * The pool a refused Secret names, when its label is a valid pool name: per-machine tokens of that pool then
 * answer "refused, retry" (503) too, rather than being served by another Secret of the same pool.
 */
export function claimedPool(secret: SecretObject): string | undefined {
  const pool = secret.metadata?.labels?.[LABEL_POOL];
  return pool !== undefined && POOL.test(pool) ? pool : undefined;
}
