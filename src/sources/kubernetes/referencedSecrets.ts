import type { ClusterRef } from '../ClusterObject.ts';
import { parseNodeTemplate } from '../../templates/parseNodeTemplate.ts';
import { templateNeeds } from '../../templates/templateNeeds.ts';
import { decodePayload } from '../../tokens/decodePayload.ts';
import { readSecretData } from '../../tokens/readSecretData.ts';
import type { SecretObject } from '../../tokens/SecretObject.ts';

// Generous: a template larger than the store accepts is refused there, whatever is watched for it.
const MAX_TEMPLATE_BYTES = 4 * 1024 * 1024;

/**
 * The Secrets a token Secret's template names by `secretRef` that no other watch delivers: the control-plane
 * certificate key. (A bootstrap token's Secret has type bootstrap.kubernetes.io/token, which is watched
 * whole.) Empty for a payload, or for a template the store will refuse anyway.
 */
export function referencedSecrets(secret: SecretObject): ClusterRef[] {
  try {
    const raw = readSecretData(secret, 'template');
    if (raw === undefined) return [];
    const text = decodePayload(raw, { maxBytes: MAX_TEMPLATE_BYTES, field: 'template' }).toString('utf8');
    // Most templates are workers: skip the schema (the store parses each template once more) unless the
    // text can name a certificate key at all.
    if (!text.includes('certificateKey')) return [];
    const ref = templateNeeds(parseNodeTemplate(text)).certificateKeySecret;
    return ref === undefined ? [] : [{ kind: 'Secret', namespace: ref.namespace, name: ref.name }];
  } catch {
    return [];
  }
}
