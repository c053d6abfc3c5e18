import type { MachineReportStore } from '../../machines/MachineReportStore.ts';
import type { KubeApi } from '../../kube/KubeApi.ts';
import { createSecretRevoker } from '../../nodes/createSecretRevoker.ts';
import type { MachineTokenRevoker } from '../../nodes/MachineTokenRevoker.ts';
import { REVOCATIONS_SECRET_NAME } from '../../tokens/machineRecordsFormat.ts';
import type { ClusterApi } from '../token/kube/createClusterApi.ts';
import { listMachineTokens } from '../token/machines/machineRegistry.ts';
import { revokeTokens } from '../token/machines/revocationList.ts';

export interface MachineTokenRevokerOptions {
  /** The token commands' client: the records `token mint` keeps and the revocation list. */
  tokenApi: ClusterApi;
  api: KubeApi;
  namespace: string;
  reports: MachineReportStore;
  now: () => number;
}

/**
 * `revokeMachine` for `node remove`: the machine's per-machine signed tokens, as `kindling token revoke
 * --machine` revokes them (every live token minted for that name, added to kindling-revocations); else its
 * own token Secret (createSecretRevoker), which also tells a pool token from an unknown one.
 */
export function createMachineTokenRevoker({
  tokenApi,
  api,
  namespace,
  reports,
  now,
}: MachineTokenRevokerOptions): MachineTokenRevoker {
  const ownSecret = createSecretRevoker({ api, namespace, reports });
  return {
    async revokeMachine(name) {
      const minted = (await listMachineTokens(tokenApi, namespace)).filter(
        (token) => token.record.machine === name,
      );
      if (minted.length === 0) return ownSecret.revokeMachine(name);
      const at = now();
      const live = minted.filter((token) => token.record.exp * 1000 > at);
      if (live.length === 0) {
        return {
          kind: 'revoked',
          detail: `every per-machine token minted for ${name} has expired: none can fetch a payload`,
        };
      }
      const added = await revokeTokens({
        api: tokenApi,
        namespace,
        tokens: live,
        now: at,
        revokedAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
      const already = live.length - added.length;
      return {
        kind: 'revoked',
        detail:
          `revoked ${live.length} per-machine token${live.length === 1 ? '' : 's'} of ${name} in Secret ` +
          `${namespace}/${REVOCATIONS_SECRET_NAME}${already > 0 ? ` (${already} already there)` : ''}: ` +
          "kindling refuses them (403) once it sees the change, so the machine's stub can never fetch a payload again",
      };
    },
  };
}
