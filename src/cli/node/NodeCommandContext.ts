import type { MachineReportStore } from '../../machines/MachineReportStore.ts';
import type { KubeApi } from '../../kube/KubeApi.ts';
import type { MachineTokenRevoker } from '../../nodes/MachineTokenRevoker.ts';

/** What node and machines commands use from the outside world; tests replace each part. */
export interface NodeCommandContext {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  /** Progress and warnings: stdout stays what the command did (or the JSON asked for). */
  stderr: (text: string) => void;
  /** The API server: `--kubeconfig`, else $KUBECONFIG, ~/.kube/config, the pod's account (as `kindling token`). */
  connect: (kubeconfig: string | undefined) => KubeApi;
  /** How `node remove` revokes the machine's token (createMachineTokenRevoker). */
  revoker: (options: {
    kubeconfig: string | undefined;
    api: KubeApi;
    namespace: string;
    reports: MachineReportStore;
  }) => MachineTokenRevoker;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}
