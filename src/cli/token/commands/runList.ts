import { z } from 'zod';
import type { CommandContext } from '../CommandContext.ts';
import { formatDuration } from '../format/timeFormat.ts';
import { CLUSTER_FLAGS, clusterFlags, poolName } from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { describeMachines, type MachineView } from '../list/describeMachines.ts';
import { describePool, type PoolView } from '../list/describePool.ts';
import { printTable } from '../list/printTable.ts';
import { listMachineTokens } from '../machines/machineRegistry.ts';
import { readRevocations } from '../machines/revocationList.ts';
import { poolSelector, requirePoolSecret } from '../pool/findPoolSecret.ts';
import { readPoolSecret } from '../pool/readPoolSecret.ts';

export const LIST_FLAGS: FlagDefinitions = {
  pool: { type: 'string', value: 'NAME', help: 'one pool, with the machines that hold its machine tokens' },
  output: { type: 'string', short: 'o', value: 'FORMAT', help: 'table (default) or json' },
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  pool: poolName.optional(),
  output: z.enum(['table', 'json'], { error: 'must be table or json' }).default('table'),
  ...clusterFlags,
});

/** `token list`: every pool (or one, with its machines), as a table or JSON. Never shows a token. */
export async function runList(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, LIST_FLAGS, schema);
  const { namespace, pool } = flags;
  const api = openClusterApi(flags.kubeconfig, context);
  const now = context.now();
  const secrets =
    pool === undefined
      ? (await api.listSecrets(namespace, poolSelector())).map(readPoolSecret)
      : [await requirePoolSecret(api, namespace, pool)];
  const pools = await Promise.all(secrets.map((secret) => describePool(api, secret, now)));
  pools.sort((a, b) => a.pool.localeCompare(b.pool) || a.secret.localeCompare(b.secret));
  const machines =
    pool === undefined
      ? undefined
      : describeMachines(
          await listMachineTokens(api, namespace, pool),
          await readRevocations(api, namespace),
          now,
        );

  if (flags.output === 'json') {
    context.stdout(`${JSON.stringify(machines === undefined ? { pools } : { pools, machines }, null, 2)}\n`);
    return 0;
  }
  if (pools.length === 0) {
    context.stdout(`no token Secrets in namespace "${namespace}"\n`);
    return 0;
  }
  context.stdout(poolTable(pools, now));
  if (machines !== undefined) context.stdout(`\n${machineTable(machines)}`);
  return 0;
}

function relative(time: string | null, now: number, none: string): string {
  if (time === null) return none;
  const delta = Date.parse(time) - now;
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

const clipped = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

function poolTable(pools: readonly PoolView[], now: number): string {
  const rows = pools.map((view) => [
    view.pool,
    view.token?.fingerprint ?? '-',
    view.token?.issuedAt == null ? '-' : formatDuration(now - Date.parse(view.token.issuedAt)),
    view.token === null ? '-' : relative(view.token.expiresAt, now, 'never'),
    view.previousToken === null
      ? '-'
      : `${relative(view.previousToken.acceptedUntil, now, 'with the token')} (fp ${view.previousToken.fingerprint})`,
    view.firstFetch === null
      ? '-'
      : `${view.firstFetch.at}${view.firstFetch.from === null ? '' : ` from ${view.firstFetch.from}`}`,
    `${view.source ?? '?'} ${view.payloadSha256?.slice(0, 12) ?? '-'}`,
    ['ok', 'revoked', 'expired'].includes(view.status)
      ? view.status
      : `${view.status}: ${clipped(view.statusDetail)}`,
  ]);
  return printTable(
    ['POOL', 'TOKEN', 'AGE', 'EXPIRES', 'OVERLAP ENDS', 'FIRST FETCH', 'PAYLOAD', 'STATUS'],
    rows,
  );
}

function machineTable(machines: readonly MachineView[]): string {
  if (machines.length === 0) return 'no machine tokens minted for this pool\n';
  const rows = machines.map((view) => [
    view.machine,
    view.jti,
    view.issuedAt,
    view.expiresAt,
    view.firstFetch === null ? '-' : `${view.firstFetch.at} from ${view.firstFetch.from}`,
    view.status,
  ]);
  const booted = new Set(machines.filter((view) => view.firstFetch !== null).map((view) => view.machine))
    .size;
  const total = new Set(machines.map((view) => view.machine)).size;
  return `${printTable(['MACHINE', 'JTI', 'ISSUED', 'EXPIRES', 'FIRST FETCH', 'STATUS'], rows)}${total} machine(s), ${booted} booted\n`;
}
