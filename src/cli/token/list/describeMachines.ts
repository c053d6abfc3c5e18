import type { Revocation } from '../../../tokens/machineRecordsFormat.ts';
import { rfc3339 } from '../format/timeFormat.ts';
import type { MachineToken } from '../machines/machineRegistry.ts';

/** One minted machine token in `token list --pool NAME -o json`. */
export interface MachineView {
  machine: string;
  pool: string;
  jti: string;
  kid: string;
  issuedAt: string;
  expiresAt: string;
  status: 'live' | 'expired' | 'revoked';
  /** Written by the server on the first answer to this token: the machine booted. */
  firstFetch: { at: string; from: string } | null;
}

export function describeMachines(
  tokens: readonly MachineToken[],
  revocations: ReadonlyMap<string, Revocation>,
  now: number,
): MachineView[] {
  return tokens
    .map(({ pool, jti, record, firstFetch }) => ({
      machine: record.machine,
      pool,
      jti,
      kid: record.kid,
      issuedAt: rfc3339(record.iat * 1000),
      expiresAt: rfc3339(record.exp * 1000),
      status: revocations.has(jti)
        ? ('revoked' as const)
        : record.exp * 1000 <= now
          ? ('expired' as const)
          : ('live' as const),
      firstFetch: firstFetch ?? null,
    }))
    .sort((a, b) => a.machine.localeCompare(b.machine) || a.issuedAt.localeCompare(b.issuedAt));
}
