import { z } from 'zod';
import type { CommandContext } from '../CommandContext.ts';
import { usageError } from '../../CommandError.ts';
import { REVOCATIONS_SECRET_NAME } from '../../../tokens/machineRecordsFormat.ts';
import { rfc3339 } from '../format/timeFormat.ts';
import { CLUSTER_FLAGS, clusterFlags, machineName, poolName } from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { listMachineTokens } from '../machines/machineRegistry.ts';
import { revokeTokens } from '../machines/revocationList.ts';
import { revokePool } from '../pool/revokePool.ts';

export const REVOKE_FLAGS: FlagDefinitions = {
  pool: {
    type: 'string',
    value: 'NAME',
    help: "revoke the pool's tokens, and every machine token of the pool",
  },
  machine: {
    type: 'string',
    value: 'NAME',
    help: "revoke a machine's tokens (with --pool: in that pool only)",
  },
  ...CLUSTER_FLAGS,
};

const schema = z
  .object({ pool: poolName.optional(), machine: machineName.optional(), ...clusterFlags })
  .refine((flags) => flags.pool !== undefined || flags.machine !== undefined, {
    message: 'give --pool NAME, --machine NAME, or both',
  });

/** `token revoke`: refused (403) once the server has seen the change. See tokenUsage.ts. */
export async function runRevoke(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, REVOKE_FLAGS, schema);
  const api = openClusterApi(flags.kubeconfig, context);
  const now = context.now();
  const lines =
    flags.machine === undefined
      ? await revokePool({ api, namespace: flags.namespace, pool: flags.pool ?? '', now })
      : await revokeMachine(api, flags.namespace, flags.machine, flags.pool, now);
  context.stdout(`${lines.join('\n')}\n`);
  return 0;
}

async function revokeMachine(
  api: ClusterApi,
  namespace: string,
  machine: string,
  pool: string | undefined,
  now: number,
): Promise<string[]> {
  const inPool = pool === undefined ? '' : ` in pool ${pool}`;
  const tokens = (await listMachineTokens(api, namespace, pool)).filter(
    (token) => token.record.machine === machine,
  );
  if (tokens.length === 0) {
    throw usageError(
      `--machine ${machine}: no token was minted for this machine${inPool} in namespace "${namespace}" (kindling token list --pool NAME lists a pool's machines)`,
    );
  }
  const live = tokens.filter((token) => token.record.exp * 1000 > now);
  if (live.length === 0)
    return [`every token of machine ${machine}${inPool} has expired already; nothing to revoke`];
  const revoked = await revokeTokens({ api, namespace, tokens: live, now, revokedAt: rfc3339(now) });
  if (revoked.length === 0)
    return [`the tokens of machine ${machine}${inPool} are revoked already; nothing changed`];
  return [
    `revoked ${revoked.length} token(s) of machine ${machine} in Secret ${namespace}/${REVOCATIONS_SECRET_NAME}:`,
    ...revoked.map(
      ({ pool: of, jti, record }) =>
        `  pool ${of}, jti ${jti}, would have expired ${rfc3339(record.exp * 1000)}`,
    ),
    'the server refuses them (403) as soon as it sees the change',
  ];
}
