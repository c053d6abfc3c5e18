import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KindlingError } from '../../../errors/KindlingError.ts';
import { loadKubeConfig, type KubeConnection } from '../../../sources/kubernetes/loadKubeConfig.ts';
import { CommandError } from '../../CommandError.ts';

export interface ConnectClusterOptions {
  /** `--kubeconfig` */
  kubeconfig: string | undefined;
  env: NodeJS.ProcessEnv;
  homeDir: string | undefined;
}

/**
 * The cluster an operator means: `--kubeconfig`, else $KUBECONFIG, else ~/.kube/config (as kubectl), else
 * the pod's service account. The server never falls back to ~/.kube/config; a command run by a person does,
 * and the pod's account comes last because a CLI run inside a pod with a kubeconfig means that kubeconfig.
 */
export function connectCluster({ kubeconfig, env, homeDir }: ConnectClusterOptions): KubeConnection {
  try {
    if (kubeconfig !== undefined) return loadKubeConfig({ kubeconfig, env });
    if ((env.KUBECONFIG ?? '') !== '') return loadKubeConfig({ env: { KUBECONFIG: env.KUBECONFIG } });
    const home = homeDir === undefined ? undefined : join(homeDir, '.kube', 'config');
    if (home !== undefined && existsSync(home)) return loadKubeConfig({ kubeconfig: home, env });
    return loadKubeConfig({ env });
  } catch (error) {
    // Exit 2 (the kubeconfig given is wrong), but no usage: the command line itself is fine.
    if (error instanceof KindlingError) throw new CommandError(error.message, 2);
    throw error;
  }
}
