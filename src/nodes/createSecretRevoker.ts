import type { MachineReportStore } from '../machines/MachineReportStore.ts';
import { SECRET_TYPE } from '../tokens/labels.ts';
import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk } from '../kube/KubeApiError.ts';
import type { MachineTokenRevoker } from './MachineTokenRevoker.ts';

/** On a token Secret: the one machine whose token it holds (a per-machine token Secret). */
export const LABEL_MACHINE = 'kindling.dev/machine';

const LABEL_VALUE = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

interface SecretItem {
  type?: string;
  metadata: { name: string; namespace?: string };
}

/**
 * Revocation with what the server has today: deleting a machine's own token Secret (labelled
 * `kindling.dev/machine=<name>`). The server then remembers its token by hash and answers 403 to it
 * (`--tombstone-ttl`), then 503, and never a payload again. Without such a Secret, the machine's report
 * says which kind of token it used: a pool token is shared and is not touched.
 */
export function createSecretRevoker({
  api,
  namespace,
  reports,
}: {
  api: KubeApi;
  namespace: string;
  reports: MachineReportStore;
}): MachineTokenRevoker {
  const secrets = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  return {
    async revokeMachine(name) {
      const own = LABEL_VALUE.test(name) ? await ownTokenSecrets(name) : [];
      for (const secret of own) {
        const response = await api.request({
          method: 'DELETE',
          path: `${secrets}/${encodeURIComponent(secret.metadata.name)}`,
        });
        if (response.status !== 404) expectOk(response, `delete token Secret ${secret.metadata.name}`);
      }
      if (own.length > 0) {
        const names = own.map((secret) => `${namespace}/${secret.metadata.name}`).join(', ');
        return {
          kind: 'revoked',
          detail: `deleted token Secret ${names}: kindling now refuses its token (403), so the machine's stub can never fetch a payload again`,
        };
      }
      const report = await reports.get(name);
      if (report?.identity === 'reported') {
        return {
          kind: 'pool-token',
          pool: report.pool,
          detail: `the machine boots with the token of pool ${report.pool}, which the pool's other machines share: it was not revoked`,
        };
      }
      if (report?.identity === 'token') {
        return {
          kind: 'unknown',
          detail: `the machine reports with a per-machine token (fingerprint ${report.tokenFingerprint}), but no token minted for ${name} is recorded in namespace ${namespace}: kindling cannot tell which to revoke`,
        };
      }
      return {
        kind: 'unknown',
        detail: `no token Secret labelled ${LABEL_MACHINE}=${name} in namespace ${namespace} and no report from the machine: kindling cannot tell which token it boots with`,
      };
    },
  };

  async function ownTokenSecrets(name: string): Promise<SecretItem[]> {
    const response = await api.request({
      method: 'GET',
      path: secrets,
      query: { labelSelector: `${LABEL_MACHINE}=${name}` },
    });
    const list = expectOk(response, `list token Secrets of machine ${name}`).body as { items?: SecretItem[] };
    return (list.items ?? []).filter((secret) => secret.type === SECRET_TYPE);
  }
}
