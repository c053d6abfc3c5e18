import type { Authentication } from '../auth/createAuthenticator.ts';

/**
 * The machine a token names, when it is that machine's own (a per-machine signed token: its verified `sub`,
 * which the authenticator puts at `found.machine`); undefined for a pool token, which names no machine.
 */
export function tokenMachine(found: Extract<Authentication, { ok: true }>['found']): string | undefined {
  return 'machine' in found && typeof found.machine === 'string' ? found.machine : undefined;
}
