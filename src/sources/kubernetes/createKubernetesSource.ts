import { DEFAULT_SELECTOR } from '../../tokens/labels.ts';
import type { Source, SourceSink } from '../Source.ts';
import type { SourceObserver } from '../SourceObserver.ts';
import { createBackoff, type BackoffOptions } from './createBackoff.ts';
import { createFirstFetchRecorder, type FirstFetchRecorder } from './createFirstFetchRecorder.ts';
import { createSecretsApi } from './createSecretsApi.ts';
import type { KubeConnection } from './loadKubeConfig.ts';
import { startListWatch } from './startListWatch.ts';
import { realTimers, type Timers } from './Timers.ts';

export interface KubernetesSourceOptions {
  /** Loads the credentials; called by `start()`, so a missing kubeconfig fails the start, not the build. */
  connect: () => KubeConnection;
  /** The namespace to watch; default: the pod's own, else `kindling`. */
  namespace?: string | undefined;
  allNamespaces?: boolean;
  selector?: string;
  observer?: SourceObserver;
  relistIntervalMs?: number;
  watchIdleTimeoutMs?: number;
  recordFirstFetch?: boolean;
  backoff?: Omit<BackoffOptions, 'random'>;
  pageSize?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
}

/** Also feeds the first-fetch recorder, which must know the records other replicas already wrote. */
function teeSink(sink: SourceSink, recorder: FirstFetchRecorder): SourceSink {
  return {
    replace(secrets) {
      recorder.seenAll(secrets);
      sink.replace(secrets);
    },
    upsert(secret) {
      recorder.seen(secret);
      sink.upsert(secret);
    },
    remove(ref) {
      recorder.forget(ref);
      sink.remove(ref);
    },
    cluster: sink.cluster,
  };
}

/**
 * Token Secrets from the API server: a paginated list, then a watch from its resourceVersion, under a
 * supervisor that restarts either after any failure (see startListWatch.ts). Each replica watches on its own.
 */
export function createKubernetesSource({
  connect,
  namespace,
  allNamespaces = false,
  selector = DEFAULT_SELECTOR,
  observer = {},
  relistIntervalMs = 600_000,
  watchIdleTimeoutMs = 90_000,
  recordFirstFetch = true,
  backoff,
  pageSize,
  requestTimeoutMs,
  now = Date.now,
  random = Math.random,
  timers = realTimers,
}: KubernetesSourceOptions): Source {
  let scope = allNamespaces
    ? 'all namespaces'
    : namespace === undefined
      ? 'default namespace'
      : `namespace ${namespace}`;
  let supervisor: { stop(): Promise<void> } | undefined;
  let recorder: FirstFetchRecorder | undefined;

  return {
    get description() {
      return `kubernetes (${scope}, selector ${selector})`;
    },
    async start(sink) {
      const connection = connect();
      const watched = allNamespaces ? undefined : (namespace ?? connection.namespace ?? 'kindling');
      scope = watched === undefined ? 'all namespaces' : `namespace ${watched}`;
      observer.info?.('kubernetes source', {
        credentials: connection.credentials,
        server: connection.server,
        namespace: watched ?? '*',
        selector,
      });
      const api = createSecretsApi({
        kubeConfig: connection.kubeConfig,
        namespace: watched,
        labelSelector: selector,
        pageSize,
        requestTimeoutMs,
        // The server ends a quiet watch (with a bookmark just before, when it sends any) well before the
        // idle limit, so a healthy watch is never taken for a stalled one.
        watchTimeoutSeconds: Math.max(1, Math.floor((watchIdleTimeoutMs * 2) / 3 / 1000)),
        watchIdleTimeoutMs,
      });
      recorder = recordFirstFetch ? createFirstFetchRecorder({ api, observer, now }) : undefined;
      supervisor = startListWatch({
        api,
        sink: recorder ? teeSink(sink, recorder) : sink,
        observer,
        namespace: watched,
        backoff: createBackoff({ ...backoff, random }),
        relistIntervalMs,
        watchIdleTimeoutMs,
        now,
        random,
        timers,
      });
    },
    recordFetch(secret, tokenHash, remoteAddress) {
      recorder?.record(secret, tokenHash, remoteAddress);
    },
    async stop() {
      await supervisor?.stop();
      await recorder?.stop();
    },
  };
}
