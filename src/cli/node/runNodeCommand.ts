import { homedir } from 'node:os';
import { FACT_NAMES } from '../../machines/factLabels.ts';
import { createKubeApi } from '../../kube/createKubeApi.ts';
import { CommandError, UsageError } from '../CommandError.ts';
import { connectCluster } from '../token/kube/connectCluster.ts';
import { createClusterApi } from '../token/kube/createClusterApi.ts';
import { createMachineTokenRevoker } from './createMachineTokenRevoker.ts';
import type { NodeCommandContext } from './NodeCommandContext.ts';
import { NODE_USAGE } from './nodeUsage.ts';
import { runMachinesLabel } from './runMachinesLabel.ts';
import { runMachinesList } from './runMachinesList.ts';
import { runMaintenance } from './runMaintenance.ts';
import { runRemove } from './runRemove.ts';

/** The same cluster `kindling token` picks (connectCluster), so that both commands act on one. */
export function defaultNodeCommandContext(env: NodeJS.ProcessEnv): NodeCommandContext {
  const cluster = (kubeconfig: string | undefined) => connectCluster({ kubeconfig, env, homeDir: homedir() });
  return {
    env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    connect: (kubeconfig) => createKubeApi({ kubeConfig: cluster(kubeconfig).kubeConfig }),
    // The token records go through the same raw client as the node's own calls.
    revoker: ({ kubeconfig, ...options }) =>
      createMachineTokenRevoker({
        tokenApi: createClusterApi({ api: options.api, server: cluster(kubeconfig).server }),
        now: Date.now,
        ...options,
      }),
    fetch: globalThis.fetch,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/**
 * `kindling node …` and `kindling machines …`. Exit codes: 0 done, 2 a command line that cannot be run,
 * 1 anything else (a timeout, a node that does not exist, the API server refusing).
 */
export async function runNodeCommand(
  [group, command, ...args]: readonly string[],
  env: NodeJS.ProcessEnv,
  context: NodeCommandContext = defaultNodeCommandContext(env),
): Promise<number> {
  const usage = NODE_USAGE.replace('FACTS', FACT_NAMES.join(', '));
  try {
    switch (`${group} ${command}`) {
      case 'node maintenance':
        return await runMaintenance(args, context);
      case 'node remove':
        return await runRemove(args, context);
      case 'machines list':
        return await runMachinesList(args, context);
      case 'machines label':
        return await runMachinesLabel(args, context);
      case 'node help':
      case 'node --help':
      case 'node -h':
      case 'machines help':
      case 'machines --help':
      case 'machines -h':
        context.stdout(usage);
        return 0;
      default:
        throw new UsageError(`unknown command: kindling ${[group, command].filter(Boolean).join(' ')}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`kindling: ${error.message}\n\n${usage}`);
      return 2;
    }
    // connectCluster and the token records: their message and exit code, without the usage.
    if (!(error instanceof CommandError)) throw error;
    context.stderr(`kindling: ${error.message}\n`);
    return error.exitCode;
  }
}
