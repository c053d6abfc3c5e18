import type { Logger } from '../log/createLogger.ts';
import type { Metrics } from '../metrics/createMetrics.ts';
import type { SourceObserver } from '../sources/SourceObserver.ts';
import type { StoreObserver } from '../store/StoreObserver.ts';

/** Turns store and source events into log lines and metrics; the only place that knows both. */
export function createObservers({ logger, metrics }: { logger: Logger; metrics: () => Metrics | undefined }) {
  const refusedRule = new Map<string, string>();
  const clearRefused = (key: string) => {
    const rule = refusedRule.get(key);
    if (rule === undefined) return;
    const [namespace = '', secret = ''] = key.split('/');
    metrics()?.refused.remove({ namespace, secret, rule });
    refusedRule.delete(key);
  };
  const store: StoreObserver = {
    secretAccepted(key, pool) {
      clearRefused(key);
      logger.info({ msg: 'secret accepted', secret: key, pool });
    },
    secretRefused(key, error, { stillServing }) {
      clearRefused(key);
      const rule = error.rule ?? error.code;
      const [namespace = '', secret = ''] = key.split('/');
      metrics()?.refused.set({ namespace, secret, rule }, 1);
      metrics()?.refusals.inc({ rule });
      refusedRule.set(key, rule);
      logger.warn({
        msg: stillServing
          ? 'secret refused; its last good version stays served'
          : 'secret refused; not served',
        secret: key,
        rule,
        field: error.path,
        reason: error.message,
      });
    },
    renderFailed(key, error) {
      clearRefused(key);
      const rule = `render-${error.rule ?? 'failed'}`;
      const [namespace = '', secret = ''] = key.split('/');
      metrics()?.refused.set({ namespace, secret, rule }, 1);
      metrics()?.refusals.inc({ rule });
      refusedRule.set(key, rule);
      logger.warn({
        msg: 'template cannot be rendered; its tokens answer 503 until it can',
        secret: key,
        rule,
        field: error.path,
        reason: error.message,
      });
    },
    secretRemoved(key) {
      clearRefused(key);
      logger.info({ msg: 'secret removed; its tokens now answer 403', secret: key });
    },
    tokenConflict(tokenFingerprint, keys) {
      if (keys.length > 0) {
        logger.error({
          msg: 'token claimed by several secrets; it answers 503 until one claim is left',
          tokenFingerprint,
          secrets: keys,
        });
      } else {
        logger.info({ msg: 'token conflict resolved', tokenFingerprint });
      }
    },
    ready() {
      logger.info({ msg: 'first full load applied; ready' });
    },
  };
  const source: SourceObserver = {
    error(kind, message, detail) {
      metrics()?.sourceErrors.inc({ kind });
      logger.warn({ msg: message, kind, ...detail });
    },
    synced() {
      metrics()?.markSynced();
    },
    info(message, detail) {
      logger.info({ msg: message, ...detail });
    },
    repeated(kind) {
      metrics()?.sourceErrors.inc({ kind });
    },
    reconnect() {
      metrics()?.sourceReconnects.inc();
    },
    firstFetchWrite(result, { reason, ...detail }) {
      metrics()?.firstFetchWrites.inc({ result });
      if (reason !== undefined) logger.warn({ msg: reason, kind: 'first-fetch', result, ...detail });
      else logger.debug({ msg: 'first fetch recorded', result, ...detail });
    },
  };
  return { store, source };
}
