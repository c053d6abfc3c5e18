import { createHash } from 'node:crypto';
import { KindlingError } from '../../../errors/KindlingError.ts';
import { renderIgnition } from '../../../templates/renderIgnition.ts';
import { templateNeeds } from '../../../templates/templateNeeds.ts';
import { parseTokenSecret } from '../../../tokens/parseTokenSecret.ts';
import { MAX_PAYLOAD_BYTES } from '../pool/readPoolSource.ts';
import { isPreviousTokenLive, isTokenLive, type PoolSecret } from '../pool/readPoolSecret.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { KubeCallError } from '../kube/KubeCallError.ts';
import { readTemplateClusterData } from './readTemplateClusterData.ts';

export type ServingStatus =
  'ok' | 'refused' | 'revoked' | 'expired' | 'render-failed' | 'per-machine' | 'unknown';

/** What a pool's Secret serves, as far as the CLI can tell without asking the server. */
export interface Serving {
  status: ServingStatus;
  detail: string;
  /** SHA-256 (hex) of the Ignition bytes served; undefined when they cannot be known here. */
  sha256: string | undefined;
}

/**
 * The pool's status as the server will see it, worked out with the server's own code: the Secret checked
 * against format v1, then a template rendered with the cluster data the server would read. The tokens'
 * state comes first: a revoked pool is `revoked` whatever it would serve.
 */
export async function describeServing(api: ClusterApi, pool: PoolSecret, now: number): Promise<Serving> {
  let parsed;
  try {
    parsed = parseTokenSecret(pool.secret, { maxPayloadBytes: MAX_PAYLOAD_BYTES });
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    return { status: 'refused', detail: `${error.rule ?? 'invalid'}: ${error.message}`, sha256: undefined };
  }
  const content = await renderedContent(api, parsed.payload?.bytes, parsed.template, now);
  const live = isTokenLive(pool, now) || isPreviousTokenLive(pool, now);
  if (!live) {
    const status = pool.revokedAt === undefined ? 'expired' : 'revoked';
    return { status, detail: `the server answers 403 (${status})`, sha256: content.sha256 };
  }
  return content;
}

async function renderedContent(
  api: ClusterApi,
  payload: Buffer | undefined,
  template: Parameters<typeof templateNeeds>[0] | undefined,
  now: number,
): Promise<Serving> {
  if (payload !== undefined) return { status: 'ok', detail: 'payload', sha256: sha256(payload) };
  if (template === undefined)
    return { status: 'unknown', detail: 'neither payload nor template', sha256: undefined };
  const needs = templateNeeds(template);
  if (needs.machineName) {
    return {
      status: 'per-machine',
      detail: 'the hostname is the machine name: rendered per machine token',
      sha256: undefined,
    };
  }
  try {
    const bytes = renderIgnition({ template, cluster: await readTemplateClusterData(api, needs, now) });
    return { status: 'ok', detail: 'template renders', sha256: sha256(bytes) };
  } catch (error) {
    if (error instanceof KubeCallError)
      return { status: 'unknown', detail: error.message, sha256: undefined };
    if (!(error instanceof KindlingError)) throw error;
    return {
      status: 'render-failed',
      detail: `${error.rule ?? 'invalid'}: ${error.message}`,
      sha256: undefined,
    };
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
