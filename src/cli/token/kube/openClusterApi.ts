import { createKubeApi } from '../../../kube/createKubeApi.ts';
import type { CommandContext } from '../CommandContext.ts';
import { connectCluster } from './connectCluster.ts';
import { createClusterApi, type ClusterApi } from './createClusterApi.ts';

/** The cluster of `--kubeconfig` (or the usual places), ready for the commands' calls. */
export function openClusterApi(kubeconfig: string | undefined, context: CommandContext): ClusterApi {
  const { kubeConfig, server } = connectCluster({ kubeconfig, env: context.env, homeDir: context.homeDir });
  return createClusterApi({ api: createKubeApi({ kubeConfig }), server });
}
