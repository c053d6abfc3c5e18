import { KindlingError } from '../errors/KindlingError.ts';

export type RenderRule =
  'cluster-data' | 'cluster-info' | 'bootstrap-token-secret' | 'invalid-output' | 'cloud-config';

/**
 * An ERR_RENDER_FAILED. `path` names the template field or cluster-data field involved; messages never hold a
 * token or certificate key, only what is wrong with it.
 */
export function renderError(rule: RenderRule, path: string, problem: string, cause?: unknown): KindlingError {
  return new KindlingError('ERR_RENDER_FAILED', `${path}: ${problem}`, {
    rule,
    path,
    ...(cause === undefined ? {} : { cause }),
  });
}
