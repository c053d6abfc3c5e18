import type { KubeConfig } from '@kubernetes/client-node';
import { getApiPage } from './getApiPage.ts';

export { ApiStatusError } from './getApiPage.ts';

/** A GET to the API server, parsed as JSON (see getApiPage). */
export async function getJson(kubeConfig: KubeConfig, path: string, signal: AbortSignal): Promise<unknown> {
  const { body } = await getApiPage(kubeConfig, path, signal);
  return JSON.parse(body.toString('utf8'));
}
