import type { CommandContext } from '../CommandContext.ts';
import { connectCluster } from './connectCluster.ts';
import { createKubeApi, type KubeApi } from './createKubeApi.ts';

/** The cluster of `--kubeconfig` (or the usual places), ready for the commands' calls. */
export function openKubeApi(kubeconfig: string | undefined, context: CommandContext): KubeApi {
  const { kubeConfig, server } = connectCluster({ kubeconfig, env: context.env, homeDir: context.homeDir });
  return createKubeApi(kubeConfig, server);
}
