import { createHash } from 'node:crypto';
import { KindlingError } from '../errors/KindlingError.ts';
import { isSpecVersion } from '../payload/SpecVersion.ts';
import type { NodeTemplate } from '../templates/NodeTemplate.ts';
import { renderCloudConfig } from '../templates/renderCloudConfig.ts';
import { renderIgnition } from '../templates/renderIgnition.ts';
import type { ClusterData } from '../templates/ClusterData.ts';
import type { PayloadFormat, StoredPayload } from '../tokens/TokenSecret.ts';
import type { ServedPayloads } from './ServedPayloads.ts';

export type InternPayload = (payload: StoredPayload) => StoredPayload;

function stored(bytes: Buffer, format: PayloadFormat, intern: InternPayload): StoredPayload {
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  let version;
  if (format === 'ignition') {
    // The renderer validated its output; only the declared spec is read back.
    const declared = (JSON.parse(bytes.toString('utf8')) as { ignition?: { version?: unknown } }).ignition
      ?.version;
    if (!isSpecVersion(declared))
      throw new KindlingError('ERR_RENDER_FAILED', 'rendered config has no known spec');
    version = declared;
  }
  return intern({ contentHash, format, version, bytes });
}

/**
 * Both payloads of a template Secret. Ignition must render; a template whose raw fragment has no
 * cloud-config equivalent still serves Ignition, and /cloud-config answers why it cannot (406).
 */
export function renderTemplateSecret({
  template,
  cluster,
  intern,
}: {
  template: NodeTemplate;
  cluster: ClusterData;
  intern: InternPayload;
}): ServedPayloads {
  const ignition = stored(renderIgnition({ template, cluster }), 'ignition', intern);
  let cloudConfig: StoredPayload | KindlingError;
  try {
    cloudConfig = stored(renderCloudConfig({ template, cluster }), 'cloud-config', intern);
  } catch (error) {
    if (!(error instanceof KindlingError) || error.rule !== 'cloud-config') throw error;
    cloudConfig = new KindlingError('ERR_NOT_ACCEPTABLE', error.message, {
      rule: 'cloud-config',
      path: error.path,
    });
  }
  return { ignition, cloudConfig };
}
