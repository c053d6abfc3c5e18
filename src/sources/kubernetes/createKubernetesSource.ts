import { createKubernetesReportStore } from '../../machines/createKubernetesReportStore.ts';
import type { MachineReportStore } from '../../machines/MachineReportStore.ts';
import { createKubeApi } from '../../kube/createKubeApi.ts';
import { shareHttp1Dispatcher, type SharedDispatcher } from '../../kube/shareHttp1Dispatcher.ts';
import type { StoreObserver } from '../../store/StoreObserver.ts';
import { DEFAULT_SELECTOR } from '../../tokens/labels.ts';
import { hasSecretData } from '../../tokens/readSecretData.ts';
import type { Source } from '../Source.ts';
import type { SourceObserver } from '../SourceObserver.ts';
import { createBackoff, type BackoffOptions } from './createBackoff.ts';
import { createClusterWatches, type ClusterWatches } from './createClusterWatches.ts';
import { createFirstFetchRecorder, type FirstFetchRecorder } from './createFirstFetchRecorder.ts';
import { createMachineFetchRecorder, type MachineFetchRecorder } from './createMachineFetchRecorder.ts';
import { createRenderStatusRecorder, type RenderStatusRecorder } from './createRenderStatusRecorder.ts';
import { createResourceApi } from './createResourceApi.ts';
import { createSecretsApi } from './createSecretsApi.ts';
import { describeKubernetesSource } from './describeKubernetesSource.ts';
import type { KubeConnection } from './loadKubeConfig.ts';
import type { SecretTap } from './SecretTap.ts';
import { startListWatch, type ListWatchOptions, type ListWatchRun } from './startListWatch.ts';
import { tapSink } from './tapSink.ts';
import { realTimers, type Timers } from './Timers.ts';
import { toClusterObject } from './toClusterObject.ts';

export interface KubernetesSourceOptions {
  /** Loads the credentials; called by `start()`, so a missing kubeconfig fails the start, not the build. */
  connect: () => KubeConnection;
  /**
   * The namespace to watch; default: the pod's own, else `kindling`. It is the server's namespace too,
   * where per-machine tokens' keys, revocations and first fetches, and machine reports, are kept.
   */
  namespace?: string | undefined;
  /** Token Secrets from every namespace; the server's namespace is still the pod's own (else `kindling`). */
  allNamespaces?: boolean;
  selector?: string;
  observer?: SourceObserver;
  relistIntervalMs?: number;
  watchIdleTimeoutMs?: number;
  /** Record first fetches: on token Secrets, and of per-machine tokens in `kindling-machines-<pool>`. */
  recordFirstFetch?: boolean;
  /** Write each template Secret's render status and config hash back on it. */
  recordStatus?: boolean;
  /**
   * How long the token Secrets' first list may wait, from start, for the cluster data's first lists, so that
   * templates render at once rather than answer 503 for a moment. Readiness still waits for no more.
   */
  clusterDataWaitMs?: number;
  backoff?: Omit<BackoffOptions, 'random'>;
  pageSize?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
}

/**
 * Token Secrets from the API server: a paginated list, then a watch from its resourceVersion, under a
 * supervisor that restarts either after any failure (see startListWatch.ts); beside it, the same for the
 * cluster data templates read and the per-machine tokens' keys and revocations (see createClusterWatches.ts).
 * Each replica watches on its own. Per-machine tokens' first fetches and machine reports are written in the
 * server's namespace (createMachineFetchRecorder.ts, createKubernetesReportStore.ts).
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
  recordStatus = true,
  clusterDataWaitMs = 2_000,
  backoff,
  pageSize,
  requestTimeoutMs,
  now = Date.now,
  random = Math.random,
  timers = realTimers,
}: KubernetesSourceOptions): Source {
  let description = describeKubernetesSource({ namespace, allNamespaces, selector });
  let supervisor: ListWatchRun | undefined;
  let cluster: ClusterWatches | undefined;
  let recorder: FirstFetchRecorder | undefined;
  let machineRecorder: MachineFetchRecorder | undefined;
  let reports: MachineReportStore | undefined;
  let status: RenderStatusRecorder | undefined;
  let dispatcher: SharedDispatcher | undefined;
  // The store is built before the source starts: its verdicts reach the recorder once there is one.
  const storeObserver: StoreObserver = {
    rendered: (key, result) => status?.rendered(key, result),
    renderFailed: (key, error) => status?.renderFailed(key, error),
    secretRefused: (key, error, detail) => status?.secretRefused(key, error, detail),
  };

  return {
    get description() {
      return description;
    },
    ...(recordStatus ? { storeObserver } : {}),
    async start(sink) {
      const connection = connect();
      dispatcher = shareHttp1Dispatcher(connection.kubeConfig);
      const own = namespace ?? connection.namespace ?? 'kindling';
      const watched = allNamespaces ? undefined : own;
      description = describeKubernetesSource({
        namespace: watched,
        allNamespaces: watched === undefined,
        selector,
      });
      observer.info?.('kubernetes source', {
        credentials: connection.credentials,
        server: connection.server,
        namespace: watched ?? '*',
        selector,
      });
      const http = {
        kubeConfig: connection.kubeConfig,
        pageSize,
        requestTimeoutMs,
        // The server ends a quiet watch (with a bookmark just before, when it sends any) well before the
        // idle limit, so a healthy watch is never taken for a stalled one.
        watchTimeoutSeconds: Math.max(1, Math.floor((watchIdleTimeoutMs * 2) / 3 / 1000)),
        watchIdleTimeoutMs,
      };
      const supervise = <T>(
        options: Pick<ListWatchOptions<T>, 'api' | 'sink' | 'what' | 'resource' | 'namespace'> &
          Partial<Pick<ListWatchOptions<T>, 'observer' | 'beforeFirstApply' | 'applyEarly'>>,
      ) =>
        startListWatch<T>({
          observer,
          backoff: createBackoff({ ...backoff, random }),
          relistIntervalMs,
          watchIdleTimeoutMs,
          now,
          random,
          timers,
          ...options,
        });
      // Started first, so that their first lists usually land before the token Secrets' one.
      const clusterData = createClusterWatches({
        sink: sink.cluster,
        machineTokensNamespace: own,
        firstListWaitMs: clusterDataWaitMs,
        timers,
        watch: (target, feed) =>
          supervise({
            api: createResourceApi({ ...http, target, toObject: toClusterObject(target.kind) }),
            sink: feed,
            what: target.what,
            resource: target.rbacResource,
            namespace: target.namespace,
            // The last-sync metric is about token Secrets: a live cluster-data watch must not hide a dead one.
            observer: { ...observer, synced: undefined },
          }),
      });
      cluster = clusterData;
      const api = createSecretsApi({ ...http, namespace: watched, labelSelector: selector });
      recorder = recordFirstFetch ? createFirstFetchRecorder({ api, observer, now }) : undefined;
      machineRecorder = recordFirstFetch
        ? createMachineFetchRecorder({ api, namespace: own, observer, now })
        : undefined;
      reports = createKubernetesReportStore({
        api: createKubeApi({ kubeConfig: connection.kubeConfig, timeoutMs: requestTimeoutMs }),
        namespace: own,
      });
      status = recordStatus ? createRenderStatusRecorder({ api, observer, now, timers }) : undefined;
      const taps: SecretTap[] = [clusterData, ...(recorder ? [recorder] : []), ...(status ? [status] : [])];
      supervisor = supervise({
        api,
        sink: tapSink(sink, taps),
        what: 'token secrets',
        resource: 'secrets',
        namespace: watched,
        // Payload Secrets (the large ones) go to the store page by page; templates are small and wait for
        // the cluster data they read, below.
        applyEarly: {
          accepts: (secret) => !hasSecretData(secret, 'template'),
          lighten: (secret) => ({ ...secret, data: undefined, dataBytes: undefined, stringData: undefined }),
        },
        async beforeFirstApply(secrets) {
          // The certificate-key Secrets these templates name are watched from now on: wait for them too.
          clusterData.seenAll(secrets);
          await clusterData.settled();
          status?.open();
        },
      });
    },
    get machineReports() {
      return reports;
    },
    recordFetch(secret, tokenHash, remoteAddress) {
      recorder?.record(secret, tokenHash, remoteAddress);
    },
    recordMachineFetch(pool, jti, machine, remoteAddress) {
      machineRecorder?.record(pool, jti, machine, remoteAddress);
    },
    async stop() {
      await supervisor?.stop();
      await cluster?.stop();
      await recorder?.stop();
      await machineRecorder?.stop();
      await status?.stop();
      await dispatcher?.close();
    },
  };
}
