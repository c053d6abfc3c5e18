import { z } from 'zod';
import type { CommandContext } from '../CommandContext.ts';
import {
  CLUSTER_FLAGS,
  clusterFlags,
  durationFlag,
  machineName,
  KEY_NAMESPACE_FLAG,
  keyNamespace,
  poolName,
  serverUrl,
} from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { DEFAULT_MACHINE_TOKEN_TTL_MS, mintForMachine } from '../machines/mintForMachine.ts';

export const MINT_FLAGS: FlagDefinitions = {
  pool: { type: 'string', value: 'NAME', help: 'the pool whose payload the machine gets' },
  machine: { type: 'string', value: 'NAME', help: "the machine (its node name): the token's subject" },
  server: { type: 'string', value: 'URL', help: "the server's base URL: the token's audience" },
  ttl: { type: 'string', value: 'DURATION', help: 'lifetime of the token (default 2h)' },
  ...KEY_NAMESPACE_FLAG,
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  pool: poolName,
  machine: machineName,
  server: serverUrl,
  ttl: durationFlag().default(DEFAULT_MACHINE_TOKEN_TTL_MS),
  'key-namespace': keyNamespace,
  ...clusterFlags,
});

/** `token mint`: prints a per-machine token (a compact JWS); reports go to stderr. See tokenUsage.ts. */
export async function runMint(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, MINT_FLAGS, schema);
  const api = openClusterApi(flags.kubeconfig, context);
  const minted = await mintForMachine({
    api,
    namespace: flags.namespace,
    keyNamespace: flags['key-namespace'],
    pool: flags.pool,
    machine: flags.machine,
    server: flags.server,
    ttlMs: flags.ttl,
    context,
  });
  context.stderr(`${minted.lines.join('\n')}\n`);
  context.stdout(`${minted.token}\n`);
  return 0;
}
