import { createHash } from 'node:crypto';
import { describeExpiry, tokenFingerprint } from '../format/describeToken.ts';
import type { TokenPlan } from './planTokenSecret.ts';
import type { PoolSource } from './readPoolSource.ts';
import type { PoolSecret } from './readPoolSecret.ts';
import { isNoChange, type SecretChanges } from './SecretChanges.ts';

const shortHash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

export interface CreateOutcome {
  where: string;
  pool: string;
  plan: TokenPlan;
  source: PoolSource;
  payload: Buffer | undefined;
  /** What is stored: the payload as given, or the template as edited. */
  bytes: Buffer;
  existing: PoolSecret | undefined;
  effective: Required<SecretChanges>;
  ttlMs: number | undefined;
}

/** What changed, in the words of the output: fingerprints and hashes, never the token. */
export function describeCreate({
  where,
  pool,
  plan,
  source,
  payload,
  bytes,
  existing,
  effective,
  ttlMs,
}: CreateOutcome): string[] {
  const what = `pool ${pool}, token fp ${tokenFingerprint(plan.token)}, ${describeExpiry(plan.expiresAt)}`;
  const content =
    source.kind === 'payload'
      ? `payload ${source.file} (Ignition ${source.version}, sha256 ${shortHash(payload ?? bytes)})`
      : `template ${source.file} (sha256 ${shortHash(bytes)})`;
  const lines: string[] = [];
  if (existing === undefined) {
    lines.push(`created Secret ${where} (${what}) serving ${content}`);
  } else if (isNoChange(effective)) {
    lines.push(`Secret ${where} unchanged (${what})`);
  } else {
    const parts = [
      plan.issued ? `new token (the previous one was ${plan.reason}): ${what}` : `token kept (${what})`,
    ];
    if ('payload' in effective.data || 'template' in effective.data) parts.push(`now serving ${content}`);
    lines.push(`updated Secret ${where}: ${parts.join('; ')}`);
  }
  if (!plan.issued && ttlMs !== undefined && ttlMs !== existing?.ttlMs) {
    lines.push(
      `--ttl applies to new tokens; this one keeps its expiry (kindling token rotate --pool ${pool} --ttl … issues one)`,
    );
  }
  return lines;
}
