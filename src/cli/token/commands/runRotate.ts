import { z } from 'zod';
import { ANNOTATION_EXPIRES_AT, ANNOTATION_PREVIOUS_EXPIRES_AT } from '../../../tokens/labels.ts';
import { readSecretData } from '../../../tokens/readSecretData.ts';
import type { CommandContext } from '../CommandContext.ts';
import { usageError } from '../../CommandError.ts';
import {
  ANNOTATION_BOOTSTRAP_TOKEN_SECRET,
  ANNOTATION_REVOKED_AT,
  ANNOTATION_TOKEN_ISSUED_AT,
  ANNOTATION_TOKEN_TTL_SECONDS,
} from '../format/cliAnnotations.ts';
import { describeExpiry, tokenFingerprint } from '../format/describeToken.ts';
import { ceilToSecond, rfc3339 } from '../format/timeFormat.ts';
import { CLUSTER_FLAGS, clusterFlags, durationFlag, poolName } from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { checkServable } from '../pool/checkServable.ts';
import { requirePoolSecret } from '../pool/findPoolSecret.ts';
import { describeBootstrapToken } from '../pool/describeBootstrapToken.ts';
import { planBootstrapToken, type BootstrapTokenPlan } from '../pool/planBootstrapToken.ts';
import { DEFAULT_TOKEN_TTL_MS } from '../pool/planTokenSecret.ts';
import { pointTemplateAtBootstrapToken } from '../pool/pointTemplateAtBootstrapToken.ts';
import { readPoolPayload } from '../pool/readPoolPayload.ts';
import {
  isPreviousTokenLive,
  isTokenLive,
  previousTokenEnd,
  type PoolSecret,
} from '../pool/readPoolSecret.ts';
import { applyChanges, toMergePatch, type SecretChanges } from '../pool/SecretChanges.ts';
import { writeWithBootstrapToken } from '../pool/writeWithBootstrapToken.ts';
import { refreshPoolStubs } from '../stubs/refreshPoolStubs.ts';

export const ROTATE_FLAGS: FlagDefinitions = {
  pool: { type: 'string', value: 'NAME', help: 'the pool' },
  overlap: {
    type: 'string',
    value: 'DURATION',
    help: 'how long the old token keeps working (default 6h; 0: refused at once)',
  },
  ttl: {
    type: 'string',
    value: 'DURATION',
    help: "lifetime of the new token (default: the pool's, else 24h)",
  },
  force: { type: 'boolean', help: 'rotate even while the previous token is still in its overlap window' },
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  pool: poolName,
  overlap: durationFlag('none').default(6 * 3_600_000),
  ttl: durationFlag('never').optional(),
  force: z.boolean().default(false),
  ...clusterFlags,
});

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** `token rotate`: a new token; the old one stays accepted for the overlap. See tokenUsage.ts. */
export async function runRotate(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, ROTATE_FLAGS, schema);
  const { pool, namespace } = flags;
  const api = openClusterApi(flags.kubeconfig, context);
  const existing = await requirePoolSecret(api, namespace, pool);
  const now = context.now();
  refuseToDropLivePrevious(existing, now, flags.force);

  const token = context.randomUUID();
  const ttlMs = flags.ttl ?? existing.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  const expiresAt = ttlMs === 0 ? undefined : ceilToSecond(now + ttlMs);
  const old = existing.token !== undefined && isTokenLive(existing, now) ? existing.token : undefined;
  const carried = old !== undefined && flags.overlap > 0 ? old : undefined;
  // Both expiries bound the previous token: it never outlives the overlap, its own expiry, or the new token's.
  const ends = [ceilToSecond(now + flags.overlap), existing.expiresAt, expiresAt].filter(
    (end) => end !== undefined,
  );
  const previousEnd = Math.min(...ends);

  let bootstrap: BootstrapTokenPlan | undefined;
  const changes: Required<SecretChanges> = {
    data: { token: base64(token), 'previous-token': carried === undefined ? null : base64(carried) },
    annotations: {
      [ANNOTATION_EXPIRES_AT]: expiresAt === undefined ? null : rfc3339(expiresAt),
      [ANNOTATION_PREVIOUS_EXPIRES_AT]: carried === undefined ? null : rfc3339(previousEnd),
      [ANNOTATION_TOKEN_TTL_SECONDS]: String(ttlMs / 1000),
      [ANNOTATION_TOKEN_ISSUED_AT]: rfc3339(now),
      [ANNOTATION_REVOKED_AT]: null,
    },
  };
  const template = readSecretData(existing.secret, 'template');
  if (existing.bootstrapTokenSecret !== undefined && template !== undefined) {
    // The join token expires with the pool's token: a new token gets a new one (the old one stays for
    // machines already joining with it, until it expires).
    bootstrap = await planBootstrapToken({
      api,
      namespace,
      pool,
      recorded: existing.bootstrapTokenSecret,
      expiresAt,
      now,
      random: context.randomBytes,
    });
    changes.data.template = base64(pointTemplateAtBootstrapToken(template.toString('utf8'), bootstrap.name));
    changes.annotations[ANNOTATION_BOOTSTRAP_TOKEN_SECRET] = bootstrap.name;
  }
  const where = `${namespace}/${existing.name}`;
  checkServable(applyChanges(existing.secret, changes), `Secret ${where}`);
  await writeWithBootstrapToken(api, bootstrap, () =>
    api.patchSecret({ namespace, name: existing.name }, toMergePatch(existing.secret, changes)),
  );

  const report = [
    `rotated pool ${pool} in Secret ${where}: new token fp ${tokenFingerprint(token)} (${describeExpiry(expiresAt)})`,
  ];
  if (carried !== undefined) {
    report.push(
      `old token fp ${tokenFingerprint(carried)} still accepted until ${rfc3339(previousEnd)}, refused after`,
    );
  } else if (existing.token !== undefined) {
    const why =
      old === undefined
        ? existing.revokedAt === undefined
          ? 'it had expired'
          : 'it was revoked'
        : '--overlap 0';
    report.push(`old token fp ${tokenFingerprint(existing.token)} refused from now on (${why})`);
  }
  if (bootstrap?.create !== undefined) report.push(describeBootstrapToken(bootstrap));
  const rewritten = await refreshPoolStubs({
    api,
    namespace,
    pool,
    token,
    payload: readPoolPayload(existing.secret),
    payloadChanged: bootstrap?.create !== undefined,
  });
  report.push(...rewritten);
  report.push(`machines created from now on need a stub with the new token: kindling stub --pool ${pool} …`);
  context.stdout(`${report.join('\n')}\n`);
  return 0;
}

/**
 * A second rotation inside the overlap would drop the previous token at once, and with it every machine
 * still booting from its stub: refused unless asked for.
 */
function refuseToDropLivePrevious(existing: PoolSecret, now: number, force: boolean): void {
  if (force || existing.previousToken === undefined || !isPreviousTokenLive(existing, now)) return;
  const end = previousTokenEnd(existing);
  throw usageError(
    `the previous token fp ${tokenFingerprint(existing.previousToken)} is accepted until ${end === undefined ? 'the pool expires' : rfc3339(end)}; ` +
      'rotating again now would refuse it at once, and machines holding its stub would not boot. Wait until then, or pass --force',
  );
}
