import type { SecretObject } from '../../tokens/SecretObject.ts';

interface ApiSecret {
  type?: unknown;
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    uid?: unknown;
    resourceVersion?: unknown;
    labels?: unknown;
    annotations?: unknown;
  };
  data?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const record = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, string>)
    : undefined;

/**
 * The slice of a Secret the store reads, from a list item or a watch event object. Everything else
 * (managedFields, timestamps, owner references) is dropped so it is not held while the store parses.
 * undefined for an object without a name, which no event about a real Secret lacks.
 */
export function toSecretObject(object: unknown): SecretObject | undefined {
  const secret = object as ApiSecret | null;
  const name = text(secret?.metadata?.name);
  if (!secret || name === undefined) return undefined;
  const metadata = secret.metadata ?? {};
  return {
    type: text(secret.type),
    metadata: {
      name,
      namespace: text(metadata.namespace),
      uid: text(metadata.uid),
      resourceVersion: text(metadata.resourceVersion),
      labels: record(metadata.labels),
      annotations: record(metadata.annotations),
    },
    data: record(secret.data),
  };
}
