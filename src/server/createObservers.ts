import type { Logger } from '../log/createLogger.ts';
import type { Metrics } from '../metrics/createMetrics.ts';
import type { SourceObserver } from '../sources/SourceObserver.ts';
import type { StoreObserver } from '../store/StoreObserver.ts';

/**
 * Turns store and source events into log lines and metrics; the only place that knows both. The store's
 * verdicts also go on to the source's own observer (`sourceStore`: render status written back on Secrets).
 */
export function createObservers({
  logger,
  metrics,
  sourceStore = () => undefined,
}: {
  logger: Logger;
  metrics: () => Metrics | undefined;
  /** Read at each event: the source is made after these observers, which it is given. */
  sourceStore?: () => StoreObserver | undefined;
}) {
  const refusedRule = new Map<string, string>();
  const clearRefused = (key: string) => {
    const rule = refusedRule.get(key);
    if (rule === undefined) return;
    const [namespace = '', secret = ''] = key.split('/');
    metrics()?.refused.remove({ namespace, secret, rule });
    refusedRule.delete(key);
  };
  // The verification-keys Secrets last reported: a refusal of one that is gone is cleared from the metric.
  let keySecrets: readonly string[] = [];
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
    rendered(key, { perMachine }) {
      // Why the pool's own (UUID) token answers 503 for such a template: it names no machine.
      if (perMachine) {
        logger.info({
          msg: 'template renders per machine (hostname policy machine-name): served to per-machine tokens; its pool token answers 503',
          secret: key,
        });
      }
    },
    machineRenderFailed(key, machine, error) {
      logger.warn({
        msg: "template cannot be rendered for this machine; the machine's token answers 503",
        secret: key,
        machine,
        rule: error.rule,
        field: error.path,
        reason: error.message,
      });
    },
    verificationKeys({ secrets, kids }) {
      for (const key of keySecrets) if (!secrets.includes(key)) clearRefused(key);
      keySecrets = secrets;
      if (kids.length > 0) {
        for (const key of secrets) clearRefused(key);
        logger.info({ msg: 'machine-token verification keys loaded', secrets, kids });
      } else if (secrets.length > 1) {
        logger.error({
          msg: 'several verification-keys Secrets; per-machine tokens answer 503 until one is left',
          secrets,
        });
      } else {
        logger.warn({ msg: 'no verification keys; per-machine tokens answer 503', secrets });
      }
    },
    poolConflict(pool, keys) {
      if (keys.length > 0) {
        logger.error({
          msg: "pool named by several secrets; its machines' tokens answer 503 until one is left",
          pool,
          secrets: keys,
        });
      } else {
        logger.info({ msg: 'pool conflict resolved', pool });
      }
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
    renderStatusWrite(result, { reason, ...detail }) {
      metrics()?.renderStatusWrites.inc({ result });
      if (reason !== undefined) logger.warn({ msg: reason, kind: 'render-status', result, ...detail });
      else logger.debug({ msg: 'render status written', result, ...detail });
    },
  };
  return { store: fanOut(store, sourceStore), source };
}

/** The store hooks a source acts on, after logs and metrics had theirs. */
function fanOut(own: StoreObserver, other: () => StoreObserver | undefined): StoreObserver {
  return {
    ...own,
    rendered(key, result) {
      own.rendered?.(key, result);
      other()?.rendered?.(key, result);
    },
    renderFailed(key, error) {
      own.renderFailed?.(key, error);
      other()?.renderFailed?.(key, error);
    },
    secretRefused(key, error, detail) {
      own.secretRefused?.(key, error, detail);
      other()?.secretRefused?.(key, error, detail);
    },
  };
}
