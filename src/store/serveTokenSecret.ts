import { KindlingError } from '../errors/KindlingError.ts';
import { templateNeeds, type TemplateNeeds } from '../templates/templateNeeds.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { ClusterDataStore } from './createClusterData.ts';
import { renderTemplateSecret, type InternPayload } from './renderTemplateSecret.ts';
import type { ServedPayloads } from './ServedPayloads.ts';

const NO_CLOUD_CONFIG = new KindlingError(
  'ERR_NOT_ACCEPTABLE',
  'the Secret holds a finished Ignition payload, not a template: there is no #cloud-config',
);

export interface ServeTokenSecretOptions {
  secret: TokenSecret;
  needs: TemplateNeeds | undefined;
  cluster: Pick<ClusterDataStore, 'dataFor'>;
  /** The machine a per-machine token names: the hostname of a `machine-name` template. */
  machine: string | undefined;
  intern: InternPayload;
}

/** What a token Secret serves: its payload, or its template rendered with the cluster data (or why not). */
export function serveTokenSecret({
  secret,
  needs,
  cluster,
  machine,
  intern,
}: ServeTokenSecretOptions): ServedPayloads | KindlingError {
  if (secret.payload) return { ignition: secret.payload, cloudConfig: NO_CLOUD_CONFIG };
  try {
    const template = secret.template as NonNullable<TokenSecret['template']>;
    const data = cluster.dataFor(needs ?? templateNeeds(template));
    if (machine !== undefined) data.machineName = machine;
    return renderTemplateSecret({ template, cluster: data, intern });
  } catch (error) {
    if (error instanceof KindlingError) return error;
    return new KindlingError('ERR_RENDER_FAILED', 'unexpected error while rendering', {
      rule: 'internal',
      cause: error,
    });
  }
}
