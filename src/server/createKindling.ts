import { getRequestListener } from '@hono/node-server';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServeConfig } from '../config/ServeConfig.ts';
import { createHttpHandlers } from '../http/createApp.ts';
import { createIgnitionListener } from '../http/ignition/createIgnitionListener.ts';
import { createFailureLimiter } from '../http/rateLimit/createFailureLimiter.ts';
import type { Logger } from '../log/createLogger.ts';
import { createMetrics, type Metrics } from '../metrics/createMetrics.ts';
import { createSource } from '../sources/createSource.ts';
import type { Source } from '../sources/Source.ts';
import type { SourceObserver } from '../sources/SourceObserver.ts';
import { createPayloadStore } from '../store/createPayloadStore.ts';
import { createObservers } from './createObservers.ts';
import { createMetricsServer } from './createMetricsServer.ts';
import { answerMachineList } from '../http/advertise/answerMachineList.ts';
import { createMemoryReportStore } from '../machines/createMemoryReportStore.ts';
import type { MachineReportStore } from '../machines/MachineReportStore.ts';
import { listen, urlOf } from './listen.ts';
import { createShutdown } from './createShutdown.ts';
import { loadTls, watchTlsFiles } from './watchTlsFiles.ts';

export interface KindlingOptions {
  config: ServeConfig;
  logger: Logger;
  /** Replaces the source the config names (tests feed a fake API server or a temporary directory). */
  source?: (observer: SourceObserver) => Source;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  tlsPollIntervalMs?: number;
}

/** The whole server: store, source, payload port, metrics port, TLS reload, shutdown. */
export function createKindling({
  config,
  logger,
  source: makeSource,
  now = Date.now,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  tlsPollIntervalMs,
}: KindlingOptions) {
  // Metrics read the store and the store reports to metrics: the observers reach metrics lazily.
  const observers = createObservers({
    logger,
    metrics: () => metrics,
    sourceStore: () => source.storeObserver,
  });
  const store = createPayloadStore({
    maxPayloadBytes: config.maxPayloadBytes,
    cacheMaxBytes: config.cacheMaxBytes,
    tombstoneTtlMs: config.tombstoneTtlMs,
    machineTokenAudience: config.serverUrl,
    now,
    observer: observers.store,
  });
  let draining = false;
  const isReady = () => store.ready && !draining;
  const metrics: Metrics = createMetrics({ stats: () => store.stats(), sourceReady: () => store.ready });
  const source = makeSource
    ? makeSource(observers.source)
    : createSource(config, { observer: observers.source });
  // Reports go where the source keeps them once started (Kubernetes: a ConfigMap per machine), else memory.
  const memoryReports = createMemoryReportStore();
  const reportsHere = () => source.machineReports ?? memoryReports;
  const reports: MachineReportStore = {
    get: (machine) => reportsHere().get(machine),
    put: (report) => reportsHere().put(report),
    list: () => reportsHere().list(),
    remove: (machine) => reportsHere().remove(machine),
  };
  const { app, answerIgnition, record, errors } = createHttpHandlers({
    reports,
    store,
    logger,
    metrics,
    isReady,
    limiter: createFailureLimiter({ ...config.rateLimit, now }),
    retryAfterSeconds: config.retryAfterSeconds,
    logRequests: config.logRequests,
    onServed: source.recordFetch?.bind(source),
    onMachineServed: source.recordMachineFetch?.bind(source),
  });

  const tls = config.tls ? loadTls(config.tls) : undefined;
  const listener = createIgnitionListener({
    answerIgnition,
    record,
    fallback: getRequestListener(app.fetch),
    errors,
    onError: (error, route) => logger.error({ msg: 'unhandled error', err: error, route }),
  });
  const serverOptions = {
    maxHeaderSize: config.maxHeaderSize,
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node enforces the two timeouts above only when it sweeps connections (every 30 s by default), which
    // would let a slow client hold a socket far longer than configured.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, config.headersTimeoutMs / 2)),
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3): node:http
    // then hands it over already ended instead of running a stream's life cycle for nothing. Every boot
    // fetch is such a GET. (Node 24.12 and later; older versions ignore the option.)
    optimizeEmptyRequests: true,
  };
  const server: Server = tls
    ? (createHttpsServer({ ...serverOptions, ...tls }, listener) as unknown as Server)
    : createHttpServer(serverOptions, listener);
  const tlsWatch =
    config.tls && 'setSecureContext' in server
      ? watchTlsFiles({
          files: config.tls,
          apply: (options) => (server as unknown as import('node:tls').Server).setSecureContext(options),
          onReload: () => logger.info({ msg: 'TLS certificate reloaded' }),
          onError: (error) =>
            logger.error({
              msg: 'TLS files changed but cannot be loaded; keeping the previous pair',
              reason: error.message,
            }),
          intervalMs: tlsPollIntervalMs,
        })
      : undefined;
  const metricsServer = createMetricsServer({
    registry: metrics.registry,
    machines: () => answerMachineList(reports),
  });
  let url = '';
  let metricsUrl = '';

  const shutdown = createShutdown({
    servers: [server, metricsServer],
    timeoutMs: config.shutdownTimeoutMs,
    delayMs: config.shutdownDelayMs,
    sleep,
    logger,
    beforeClose: () => {
      draining = true;
    },
    afterClose: async () => {
      tlsWatch?.stop();
      await source.stop();
      logger.flush();
    },
  });

  return {
    app,
    store,
    metrics,
    source,
    get url() {
      return url;
    },
    get metricsUrl() {
      return metricsUrl;
    },
    get ready() {
      return isReady();
    },
    /** Checks the TLS files now rather than at the next poll; true when a new pair was applied. */
    reloadTls: () => tlsWatch?.check() ?? false,
    async start() {
      if (!tls) logger.warn({ msg: 'serving plain HTTP: tokens and payloads cross the network unencrypted' });
      logger.info({ msg: 'starting source', source: source.description });
      await source.start(store);
      url = urlOf(await listen(server, config.listen), { tls: tls !== undefined });
      metricsUrl = urlOf(await listen(metricsServer, config.metricsListen), { tls: false });
      logger.info({ msg: 'listening', url, metricsUrl: `${metricsUrl}/metrics` });
    },
    shutdown,
  };
}

export type Kindling = ReturnType<typeof createKindling>;
