import type { MachineFacts } from './MachineFacts.ts';

/**
 * How the name a report is stored under was established. `token`: the per-machine token names the machine
 * (signed by kindling). `reported`: a pool token, shared by the pool's machines, so the name is the machine's
 * own word (its nodeName, else its hostname).
 */
export type ReportIdentity = 'token' | 'reported';

/** The latest report of one machine, as stored and listed. */
export interface MachineReport {
  /** The node name it is stored under. */
  machine: string;
  pool: string;
  identity: ReportIdentity;
  /** RFC 3339, the server's clock. */
  receivedAt: string;
  /** The first 8 hex of the token's SHA-256, as in the access log: which token sent it, never the token. */
  tokenFingerprint: string;
  remoteAddress: string;
  facts: MachineFacts;
}
