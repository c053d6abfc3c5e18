import { z } from 'zod';
import { decodePayload } from '../../../tokens/decodePayload.ts';
import type { CommandContext } from '../CommandContext.ts';
import { clusterError } from '../../CommandError.ts';
import { tokenSecretName } from '../format/cliAnnotations.ts';
import { CLUSTER_FLAGS, clusterFlags, durationFlag, fileName, poolName } from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { checkServable } from '../pool/checkServable.ts';
import { findPoolSecret } from '../pool/findPoolSecret.ts';
import { describeBootstrapToken } from '../pool/describeBootstrapToken.ts';
import { describeCreate } from '../pool/describeCreate.ts';
import { planBootstrapToken, type BootstrapTokenPlan } from '../pool/planBootstrapToken.ts';
import { newTokenSecret, planToken, tokenSecretChanges } from '../pool/planTokenSecret.ts';
import { pointTemplateAtBootstrapToken } from '../pool/pointTemplateAtBootstrapToken.ts';
import { MAX_PAYLOAD_BYTES, readPoolSource } from '../pool/readPoolSource.ts';
import { applyChanges, effectiveChanges, isNoChange, toMergePatch } from '../pool/SecretChanges.ts';
import { writeWithBootstrapToken } from '../pool/writeWithBootstrapToken.ts';
import { refreshPoolStubs } from '../stubs/refreshPoolStubs.ts';

export const CREATE_FLAGS: FlagDefinitions = {
  pool: { type: 'string', value: 'NAME', help: 'the pool (a DNS label)' },
  template: {
    type: 'string',
    value: 'FILE',
    help: 'a kindling.dev/v1 NodeTemplate (YAML) the server renders',
  },
  payload: { type: 'string', value: 'FILE', help: 'a finished Ignition config (JSON, plain or gzip)' },
  ttl: { type: 'string', value: 'DURATION', help: 'lifetime of a new token (default 24h; 0: no expiry)' },
  'bootstrap-token': {
    type: 'boolean',
    help: 'also create a kubeadm bootstrap token (kube-system, same TTL) and point the template at it',
  },
  ...CLUSTER_FLAGS,
};

const schema = z
  .object({
    pool: poolName,
    template: fileName.optional(),
    payload: fileName.optional(),
    ttl: durationFlag('never').optional(),
    'bootstrap-token': z.boolean().default(false),
    ...clusterFlags,
  })
  .superRefine((flags, ctx) => {
    if ((flags.template === undefined) === (flags.payload === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of --template FILE and --payload FILE' });
    }
    if (flags['bootstrap-token'] && flags.payload !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bootstrap-token'],
        message: 'needs --template: a finished --payload cannot be pointed at a bootstrap token',
      });
    }
  });

/** `token create`: the pool's token Secret, created or brought up to date. See tokenUsage.ts. */
export async function runCreate(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, CREATE_FLAGS, schema);
  const { pool, namespace } = flags;
  const source = await readPoolSource({
    template: flags.template,
    payload: flags.payload,
    readFile: context.readFile,
  });
  const api = openClusterApi(flags.kubeconfig, context);
  const now = context.now();

  const existing = await findPoolSecret(api, namespace, pool);
  if (existing === undefined) {
    const clash = await api.getSecret({ namespace, name: tokenSecretName(pool) });
    if (clash !== undefined) {
      throw clusterError(
        `Secret ${namespace}/${tokenSecretName(pool)} exists but is not labelled as pool "${pool}"'s token Secret; rename or delete it`,
      );
    }
  }
  const plan = planToken({ existing, ttlMs: flags.ttl, now, randomUUID: context.randomUUID });
  let bootstrap: BootstrapTokenPlan | undefined;
  let bytes = source.kind === 'payload' ? source.bytes : Buffer.from(source.text);
  if (flags['bootstrap-token'] && source.kind === 'template') {
    bootstrap = await planBootstrapToken({
      api,
      namespace,
      pool,
      recorded: existing?.bootstrapTokenSecret,
      expiresAt: plan.expiresAt,
      now,
      random: context.randomBytes,
    });
    // checkServable below parses the edited template, as the server will.
    bytes = Buffer.from(pointTemplateAtBootstrapToken(source.text, bootstrap.name));
  }
  const changes = tokenSecretChanges({
    plan,
    content: { key: source.kind, bytes },
    bootstrapTokenSecret: bootstrap?.name,
    now,
  });
  const target = existing?.secret ?? newTokenSecret(namespace, pool);
  const where = `${namespace}/${target.metadata.name}`;
  const desired = applyChanges(target, changes);
  checkServable(desired, `Secret ${where}`);
  const effective = effectiveChanges(target, changes);
  const payload =
    source.kind === 'payload' ? decodePayload(source.bytes, { maxBytes: MAX_PAYLOAD_BYTES }) : undefined;

  await writeWithBootstrapToken(api, bootstrap, async () => {
    if (existing === undefined)
      await api.createSecret({ ...desired, metadata: { ...desired.metadata, namespace } });
    else if (!isNoChange(effective))
      await api.patchSecret({ namespace, name: target.metadata.name }, toMergePatch(target, changes));
  });

  const payloadChanged = 'payload' in effective.data || 'template' in effective.data;
  const report = describeCreate({
    where,
    pool,
    plan,
    source,
    payload,
    bytes,
    existing,
    effective,
    ttlMs: flags.ttl,
  });
  if (bootstrap !== undefined) report.push(describeBootstrapToken(bootstrap));
  if (existing !== undefined && (plan.issued || payloadChanged)) {
    report.push(
      ...(await refreshPoolStubs({
        api,
        namespace,
        pool,
        token: plan.token,
        payload,
        payloadChanged,
      })),
    );
  }
  if (plan.issued) {
    report.push(
      `next: kindling stub --pool ${pool} --format ignition|cloud-config --server URL [--ca FILE] prints a machine's stub`,
    );
  }
  context.stdout(`${report.join('\n')}\n`);
  return 0;
}
