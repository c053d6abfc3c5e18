import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk } from '../kube/KubeApiError.ts';
import type { MachineReportStore } from './MachineReportStore.ts';
import {
  fromReportConfigMap,
  REPORT_LABEL,
  reportConfigMapName,
  toReportConfigMap,
  type ReportConfigMap,
} from './reportConfigMap.ts';

const PAGE = 500;

/**
 * Reports as ConfigMaps `machine-<name>` in kindling's namespace. The server needs get, create and patch on
 * configmaps there (deploy/base/role.yaml); `list` and `delete` are for the CLI.
 */
export function createKubernetesReportStore({
  api,
  namespace,
}: {
  api: KubeApi;
  namespace: string;
}): MachineReportStore {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  const path = (machine: string) => `${base}/${encodeURIComponent(reportConfigMapName(machine))}`;
  return {
    async get(machine) {
      const response = await api.request({ method: 'GET', path: path(machine) });
      if (response.status === 404) return undefined;
      return fromReportConfigMap(expectOk(response, `get the report of ${machine}`).body as ReportConfigMap);
    },
    async put(report) {
      const configMap = toReportConfigMap(report, namespace);
      const created = await api.request({ method: 'POST', path: base, body: configMap });
      if (created.status !== 409) return void expectOk(created, `store the report of ${report.machine}`);
      // It exists: replace the report and the pool label, leave whatever else someone added.
      const patched = await api.request({
        method: 'PATCH',
        path: path(report.machine),
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: configMap.metadata.labels }, data: configMap.data },
      });
      expectOk(patched, `store the report of ${report.machine}`);
    },
    async list() {
      const reports = [];
      let token: string | undefined;
      do {
        const response = await api.request({
          method: 'GET',
          path: base,
          query: { labelSelector: `${REPORT_LABEL}=true`, limit: String(PAGE), continue: token },
        });
        const page = expectOk(response, `list machine reports in namespace ${namespace}`).body as {
          items?: ReportConfigMap[];
          metadata?: { continue?: string };
        };
        for (const item of page.items ?? []) {
          const report = fromReportConfigMap(item);
          if (report !== undefined) reports.push(report);
        }
        token = page.metadata?.continue || undefined;
      } while (token !== undefined);
      return reports.sort((a, b) => (a.machine < b.machine ? -1 : a.machine > b.machine ? 1 : 0));
    },
    async remove(machine) {
      const response = await api.request({ method: 'DELETE', path: path(machine) });
      if (response.status === 404) return false;
      expectOk(response, `delete the report of ${machine}`);
      return true;
    },
  };
}
