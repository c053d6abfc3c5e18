import type { SecretObject } from '../../../tokens/SecretObject.ts';

/** What a command changes in a Secret: values to set, null to remove. `data` values are base64. */
export interface SecretChanges {
  data?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
}

function effective(
  current: Record<string, string> | undefined,
  wanted: Record<string, string | null> | undefined,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(wanted ?? {})) {
    const now = current?.[key];
    if (value === null ? now !== undefined : now !== value) out[key] = value;
  }
  return out;
}

function merged(
  current: Record<string, string> | undefined,
  changes: Record<string, string | null>,
): Record<string, string> {
  const out: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Only what differs from the Secret as read; empty maps when nothing would change. */
export function effectiveChanges(secret: SecretObject, changes: SecretChanges): Required<SecretChanges> {
  return {
    data: effective(secret.data, changes.data),
    annotations: effective(secret.metadata.annotations, changes.annotations),
  };
}

export function isNoChange(changes: Required<SecretChanges>): boolean {
  return Object.keys(changes.data).length === 0 && Object.keys(changes.annotations).length === 0;
}

/** The Secret as it will be after the change: what is validated before anything is written. */
export function applyChanges(secret: SecretObject, changes: SecretChanges): SecretObject {
  const { data, annotations } = effectiveChanges(secret, changes);
  return {
    ...secret,
    metadata: { ...secret.metadata, annotations: merged(secret.metadata.annotations, annotations) },
    data: merged(secret.data, data),
  };
}

/**
 * A JSON merge patch of the changes, carrying the resourceVersion that was read: if anyone changed the
 * Secret since, the API server refuses the write (409) rather than let this command undo their change.
 */
export function toMergePatch(secret: SecretObject, changes: SecretChanges): Record<string, unknown> {
  const { data, annotations } = effectiveChanges(secret, changes);
  const metadata: Record<string, unknown> = { resourceVersion: secret.metadata.resourceVersion };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return Object.keys(data).length > 0 ? { metadata, data } : { metadata };
}
