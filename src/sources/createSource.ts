import type { ServeConfig } from '../config/ServeConfig.ts';
import { createDeferredSource } from './createDeferredSource.ts';
import { createDirectorySource } from './directory/createDirectorySource.ts';
import { describeKubernetesSource } from './kubernetes/describeKubernetesSource.ts';
import type { Source } from './Source.ts';
import type { SourceObserver } from './SourceObserver.ts';

/** The source `--source` names; the Kubernetes one's code is loaded when it starts (createDeferredSource.ts). */
export function createSource(config: ServeConfig, { observer }: { observer: SourceObserver }): Source {
  const { source, selector } = config;
  if (source.kind === 'dir') {
    return createDirectorySource({ path: source.path, selector, observer });
  }
  return createDeferredSource({
    description: describeKubernetesSource({ ...source, selector }),
    load: async () => {
      const [{ createKubernetesSource }, { loadKubeConfig }] = await Promise.all([
        import('./kubernetes/createKubernetesSource.ts'),
        import('./kubernetes/loadKubeConfig.ts'),
      ]);
      return createKubernetesSource({
        connect: () => loadKubeConfig({ kubeconfig: source.kubeconfig }),
        namespace: source.namespace,
        allNamespaces: source.allNamespaces,
        selector,
        relistIntervalMs: config.relistIntervalMs,
        watchIdleTimeoutMs: config.watchIdleTimeoutMs,
        recordFirstFetch: config.recordFirstFetch,
        recordStatus: config.recordStatus,
        observer,
      });
    },
  });
}
