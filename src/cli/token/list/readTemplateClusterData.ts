import type { ClusterData } from '../../../templates/ClusterData.ts';
import { readBootstrapTokenSecret } from '../../../templates/readBootstrapTokenSecret.ts';
import { readClusterInfo } from '../../../templates/readClusterInfo.ts';
import { renderError } from '../../../templates/renderError.ts';
import type { TemplateNeeds } from '../../../templates/templateNeeds.ts';
import { parseTime, rfc3339 } from '../format/timeFormat.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';

/**
 * The cluster data a template reads, fetched as the server fetches it (the bootstrap token's Secret,
 * ConfigMap kube-public/cluster-info, the certificate key's Secret). Absent objects leave their fields
 * unset, so the renderer names what is missing. Throws ERR_RENDER_FAILED for an object that is present but
 * unusable, including a bootstrap token that has expired: the config would render, and the join fail.
 */
export async function readTemplateClusterData(
  api: ClusterApi,
  needs: TemplateNeeds,
  now: number,
): Promise<ClusterData> {
  const data: ClusterData = {};
  if (needs.bootstrapTokenSecret !== undefined) {
    const secret = await api.getSecret(needs.bootstrapTokenSecret);
    if (secret !== undefined) {
      const { token, expiration } = readBootstrapTokenSecret(secret);
      const ends = parseTime(expiration);
      if (ends !== undefined && ends <= now) {
        throw renderError(
          'bootstrap-token-secret',
          'data.expiration',
          `expired at ${rfc3339(ends)}: joins would fail`,
        );
      }
      data.bootstrapToken = token;
    }
  }
  if (needs.clusterInfo !== undefined) {
    const configMap = await api.getConfigMapData({ namespace: 'kube-public', name: 'cluster-info' });
    const kubeconfig = configMap?.kubeconfig;
    if (kubeconfig !== undefined) {
      const info = readClusterInfo(kubeconfig);
      data.apiServerEndpoint = info.apiServerEndpoint;
      data.caCertHashes = info.caCertHashes;
    }
  }
  const keyRef = needs.certificateKeySecret;
  if (keyRef !== undefined) {
    const value = (await api.getSecret(keyRef))?.data?.[keyRef.key];
    if (value !== undefined) data.certificateKey = Buffer.from(value, 'base64').toString('utf8').trim();
  }
  return data;
}
