import { z } from 'zod';
import type { CommandContext } from '../CommandContext.ts';
import { usageError } from '../../CommandError.ts';
import {
  CLUSTER_FLAGS,
  clusterFlags,
  durationFlag,
  fileName,
  machineName,
  poolName,
  secretName,
  serverUrl,
  KEY_NAMESPACE_FLAG,
  keyNamespace,
} from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { DEFAULT_MACHINE_TOKEN_TTL_MS } from '../machines/mintForMachine.ts';
import { checkServable } from '../pool/checkServable.ts';
import { requirePoolSecret } from '../pool/findPoolSecret.ts';
import { readPoolPayload } from '../pool/readPoolPayload.ts';
import type { PoolSecret } from '../pool/readPoolSecret.ts';
import { readCaFile } from '../stubs/readCaFile.ts';
import { renderStub } from '../stubs/renderStub.ts';
import { storeStub } from '../stubs/storeStub.ts';
import { stubBearer } from '../stubs/stubBearer.ts';
import type { StubOptions } from '../stubs/StubOptions.ts';

export const STUB_FLAGS: FlagDefinitions = {
  pool: { type: 'string', value: 'NAME', help: 'the pool' },
  machine: {
    type: 'string',
    value: 'NAME',
    help: "a machine's own token (minted now) instead of the pool's",
  },
  format: { type: 'string', value: 'FORMAT', help: 'ignition or cloud-config' },
  server: { type: 'string', value: 'URL', help: "the server's base URL, as machines reach it" },
  ca: {
    type: 'string',
    value: 'FILE',
    help: "PEM CA that signed the server's certificate (else the system's)",
  },
  gzip: { type: 'boolean', help: 'ignition: ask for the gzip body' },
  'pin-hash': { type: 'boolean', help: "ignition: pin the payload's SHA-512 (pools made with --payload)" },
  advertise: {
    type: 'boolean',
    help: 'let the machine post its facts to /advertise at every boot (keeps its token on disk)',
  },
  'to-secret': {
    type: 'string',
    value: 'NAME',
    help: 'store it as a userdata Secret (key value), rewritten on rotation',
  },
  ttl: { type: 'string', value: 'DURATION', help: "with --machine: the token's lifetime (default 2h)" },
  ...KEY_NAMESPACE_FLAG,
  ...CLUSTER_FLAGS,
};

const schema = z
  .object({
    pool: poolName,
    machine: machineName.optional(),
    format: z.enum(['ignition', 'cloud-config'], {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be ignition or cloud-config'),
    }),
    server: serverUrl,
    ca: fileName.optional(),
    gzip: z.boolean().default(false),
    'pin-hash': z.boolean().default(false),
    advertise: z.boolean().default(false),
    'to-secret': secretName.optional(),
    ttl: durationFlag().optional(),
    'key-namespace': keyNamespace,
    ...clusterFlags,
  })
  .superRefine((flags, ctx) => {
    for (const flag of ['gzip', 'pin-hash'] as const) {
      if (flags[flag] && flags.format !== 'ignition') {
        ctx.addIssue({ code: 'custom', path: [flag], message: 'is for --format ignition only' });
      }
    }
    if (flags.ttl !== undefined && flags.machine === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ttl'],
        message: "needs --machine: a pool stub holds the pool's token",
      });
    }
  });

/** `stub`: a machine's boot stub, printed or stored as a userdata Secret. See tokenUsage.ts. */
export async function runStub(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, STUB_FLAGS, schema);
  const { pool, namespace, machine } = flags;
  const caPem = flags.ca === undefined ? undefined : await readCaFile(flags.ca, context.readFile);
  const options: StubOptions = {
    format: flags.format,
    server: flags.server,
    ...(caPem === undefined ? {} : { caPem }),
    gzip: flags.gzip,
    pinHash: flags['pin-hash'],
    advertise: flags.advertise,
    ...(machine === undefined ? {} : { machine }),
  };
  const api = openClusterApi(flags.kubeconfig, context);
  const poolSecret = await requirePoolSecret(api, namespace, pool);
  checkServable(poolSecret.secret, `Secret ${namespace}/${poolSecret.name}`);
  checkPoolFitsStub(poolSecret, options);
  const payload = options.pinHash ? readPoolPayload(poolSecret.secret) : undefined;

  const bearer = await stubBearer({
    api,
    pool: poolSecret,
    machine,
    server: flags.server,
    keyNamespace: flags['key-namespace'],
    ttlMs: flags.ttl ?? DEFAULT_MACHINE_TOKEN_TTL_MS,
    context,
  });
  const value = renderStub({ options, token: bearer.token, payload });
  const name = flags['to-secret'];
  if (name === undefined) {
    if (bearer.lines.length > 0) context.stderr(`${bearer.lines.join('\n')}\n`);
    context.stdout(value);
    return 0;
  }
  const where = `${namespace}/${name}`;
  const result = await storeStub({ api, ref: { namespace, name }, pool, options, value });
  const stored =
    result === 'unchanged' ? `userdata Secret ${where} unchanged` : `${result} userdata Secret ${where}`;
  const lines = [...bearer.lines, `${stored} (${flags.format} stub of pool ${pool}, ${bearer.description})`];
  context.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** What a stub can ask of the pool: a #cloud-config exists for templates only, a pin for payloads only. */
function checkPoolFitsStub(pool: PoolSecret, options: StubOptions): void {
  if (options.format === 'cloud-config' && pool.source !== 'template') {
    throw usageError(
      `--format cloud-config: pool ${pool.pool} serves a finished Ignition payload; only a pool made with --template has a #cloud-config`,
    );
  }
  if (options.pinHash && pool.source !== 'payload') {
    throw usageError(
      `--pin-hash: pool ${pool.pool} serves a template, which the server renders from cluster data that changes (the bootstrap token): a pinned stub would stop booting when it does. Pin pools made with --payload`,
    );
  }
}
