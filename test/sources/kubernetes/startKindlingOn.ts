import type { KubeConfig } from '@kubernetes/client-node';
import { parseServeConfig } from '../../../src/config/parseServeConfig.ts';
import { createKindling, type Kindling } from '../../../src/server/createKindling.ts';
import {
  createKubernetesSource,
  type KubernetesSourceOptions,
} from '../../../src/sources/kubernetes/createKubernetesSource.ts';
import { captureLogger } from '../../support/captureLogger.ts';

export type KindlingOnOptions = Omit<KubernetesSourceOptions, 'connect' | 'observer'> & {
  namespace: string;
  /** More `kindling serve` flags (`--server-url` for per-machine tokens). */
  args?: string[];
};

export interface KindlingOn {
  kindling: Kindling;
  log: ReturnType<typeof captureLogger>;
  /** GET /ignition over the socket: the status, and the marker of a `tokenSecret()` payload on a 200. */
  ignition(token: string): Promise<{ status: number; marker?: string }>;
  readyz(): Promise<number>;
  /** The sum of a metric's values whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/** A whole kindling server whose source watches the API server `kubeConfig` points at. */
export async function startKindlingOn(
  kubeConfig: KubeConfig,
  { namespace, args = [], ...options }: KindlingOnOptions,
): Promise<KindlingOn> {
  const config = parseServeConfig([
    ...['--source', 'kubernetes', '--namespace', namespace, '--plain-http', '--log-requests', 'false'],
    ...['--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--rate-limit-burst', '1000000'],
    ...args,
  ]);
  const log = captureLogger();
  const kindling = createKindling({
    config,
    logger: log.logger,
    source: (observer) =>
      createKubernetesSource({
        connect: () => ({
          kubeConfig,
          credentials: 'test kubeconfig',
          server: kubeConfig.getCurrentCluster()?.server ?? '',
          namespace: undefined,
        }),
        namespace,
        observer,
        ...options,
      }),
  });
  await kindling.start();
  return {
    kindling,
    log,
    async ignition(token) {
      const response = await fetch(`${kindling.url}/ignition`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status !== 200) return { status: response.status };
      const body = (await response.json()) as { storage: { files: { contents: { source: string } }[] } };
      return {
        status: 200,
        marker: decodeURIComponent(body.storage.files[0]?.contents.source.slice(6) ?? ''),
      };
    },
    readyz: async () => (await fetch(`${kindling.url}/readyz`)).status,
    async metric(name, labels = {}) {
      const values = (await kindling.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
      return values
        .filter((v) =>
          Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
        )
        .reduce((sum, v) => sum + v.value, 0);
    },
    stop: () => kindling.shutdown(),
  };
}
