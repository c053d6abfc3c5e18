import type { MachineReportStore } from '../machines/MachineReportStore.ts';
import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk } from '../kube/KubeApiError.ts';
import { drainNode, type DrainOptions, type DrainResult } from './drainNode.ts';
import type { MachineTokenRevoker, RevocationOutcome } from './MachineTokenRevoker.ts';
import { cordonPatch } from './nodePatches.ts';
import { nodePath, updateNode } from './updateNode.ts';

export type RemoveNodeOptions = Omit<DrainOptions, 'purpose'> & {
  api: KubeApi;
  revoker: MachineTokenRevoker;
  reports: MachineReportStore;
  /** Each step as it is done, for the command to print. */
  onStep?: (step: string) => void;
};

export interface RemovalResult {
  /** False when the drain could not finish: the node, its token and its report are all kept. */
  done: boolean;
  steps: string[];
  drain: DrainResult | undefined;
  revocation: RevocationOutcome | undefined;
}

/**
 * `node remove NAME`: cordon, evict every pod but DaemonSet and mirror pods (see drainNode), delete the
 * Node, revoke the machine's token, delete its report. Each step is idempotent, so after a failure or a
 * timeout the same command carries on; a node already deleted goes straight to the token.
 */
export async function removeNode({
  api,
  nodeName,
  revoker,
  reports,
  onStep,
  ...drainOptions
}: RemoveNodeOptions): Promise<RemovalResult> {
  const steps: string[] = [];
  const say = (step: string) => {
    steps.push(step);
    onStep?.(step);
  };
  let drain: DrainResult | undefined;
  const cordon = await updateNode(api, nodeName, cordonPatch);
  if (!cordon.found) {
    say(`node ${nodeName} does not exist (already deleted?): nothing to cordon, drain or delete`);
  } else {
    say(cordon.changed ? `cordoned node ${nodeName}` : `node ${nodeName} was already cordoned`);
    drain = await drainNode({ api, nodeName, purpose: 'removal', ...drainOptions });
    if (!drain.done) return { done: false, steps, drain, revocation: undefined };
    say(describeDrain(drain));
    const deleted = await api.request({ method: 'DELETE', path: nodePath(nodeName) });
    if (deleted.status === 404) say(`node ${nodeName} was already deleted`);
    else {
      expectOk(deleted, `delete node ${nodeName}`);
      say(`deleted node ${nodeName}`);
    }
  }
  const revocation = await revoker.revokeMachine(nodeName);
  say(revocation.detail);
  if (await reports.remove(nodeName)) say(`deleted the machine report of ${nodeName}`);
  return { done: true, steps, drain, revocation };
}

function describeDrain({ evicted, deleted, stayed, pending }: DrainResult): string {
  const parts = [`evicted ${evicted.length} pod${evicted.length === 1 ? '' : 's'}`];
  if (deleted.length > 0) parts.push(`deleted ${deleted.length} with --force (${deleted.join(', ')})`);
  const terminating = pending.filter(({ state }) => state === 'terminating').length;
  if (terminating > 0) parts.push(`${terminating} still terminating`);
  if (stayed.length > 0)
    parts.push(`left ${stayed.length} DaemonSet or mirror pod${stayed.length === 1 ? '' : 's'}`);
  return parts.join('; ');
}
