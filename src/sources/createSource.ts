import type { ServeConfig } from '../config/ServeConfig.ts';
import { createDirectorySource } from './directory/createDirectorySource.ts';
import { createKubernetesSource } from './kubernetes/createKubernetesSource.ts';
import { loadKubeConfig } from './kubernetes/loadKubeConfig.ts';
import type { Source } from './Source.ts';
import type { SourceObserver } from './SourceObserver.ts';

/** The source `--source` names. */
export function createSource(config: ServeConfig, { observer }: { observer: SourceObserver }): Source {
  const { source } = config;
  if (source.kind === 'dir') {
    return createDirectorySource({ path: source.path, selector: config.selector, observer });
  }
  return createKubernetesSource({
    connect: () => loadKubeConfig({ kubeconfig: source.kubeconfig }),
    namespace: source.namespace,
    allNamespaces: source.allNamespaces,
    selector: config.selector,
    relistIntervalMs: config.relistIntervalMs,
    watchIdleTimeoutMs: config.watchIdleTimeoutMs,
    recordFirstFetch: config.recordFirstFetch,
    recordStatus: config.recordStatus,
    observer,
  });
}
