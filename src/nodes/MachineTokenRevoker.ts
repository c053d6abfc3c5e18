/**
 * `revoked`: the machine's own token is refused from now on. `pool-token`: the machine boots with its pool's
 * token, shared by the pool's other machines, so revoking it would stop them all; rotating it is the way.
 * `unknown`: kindling cannot tell which token the machine boots with. `detail` is one line for the operator.
 */
export type RevocationOutcome =
  | { kind: 'revoked'; detail: string }
  | { kind: 'pool-token'; pool: string; detail: string }
  | { kind: 'unknown'; detail: string };

/** How `node remove` stops a machine's stub from ever fetching a payload again. */
export interface MachineTokenRevoker {
  revokeMachine(name: string): Promise<RevocationOutcome>;
}
