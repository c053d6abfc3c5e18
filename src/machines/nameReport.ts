import { isMachineName } from '../tokens/jws/machineTokenFormat.ts';
import type { MachineFacts } from './MachineFacts.ts';
import type { ReportIdentity } from './MachineReport.ts';
import { MAX_MACHINE_NAME } from './reportConfigMap.ts';

export type ReportName =
  { ok: true; machine: string; identity: ReportIdentity } | { ok: false; problem: string };

/**
 * The name a report is stored under: the machine its token names, when the token is the machine's own;
 * else (a pool token) the name the machine says its node has: `nodeName`, else its hostname in lower case
 * (what kubeadm registers by default). Either way a Kubernetes node name, so that the report and the Node
 * meet under one name.
 */
export function nameReport(tokenMachine: string | undefined, facts: MachineFacts): ReportName {
  if (tokenMachine !== undefined) return { ok: true, machine: tokenMachine, identity: 'token' };
  const field = facts.nodeName === undefined ? 'hostname' : 'nodeName';
  const machine = (facts.nodeName ?? facts.hostname).toLowerCase();
  if (!isMachineName(machine) || machine.length > MAX_MACHINE_NAME) {
    return {
      ok: false,
      problem: `${field}: must be a node name (a lower-case DNS subdomain of at most ${MAX_MACHINE_NAME} characters)`,
    };
  }
  return { ok: true, machine, identity: 'reported' };
}
