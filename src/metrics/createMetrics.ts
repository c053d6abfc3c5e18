import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { StoreStats } from '../store/createPayloadStore.ts';
import { createRequestMetrics } from './createRequestMetrics.ts';

/**
 * Every metric kindling exports. Label values come from the server's own data (route names, status codes,
 * Secret names, rule names), never from a client's request.
 */
export function createMetrics({
  stats,
  sourceReady,
  now = Date.now,
}: {
  stats: () => StoreStats;
  sourceReady: () => boolean;
  now?: () => number;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kindling_' });
  const registers = [registry];

  const observeRequest = createRequestMetrics({ registry });
  const refused = new Gauge({
    name: 'kindling_secret_refused',
    help: 'Token Secrets currently refused (1), by Secret and the rule they break.',
    labelNames: ['namespace', 'secret', 'rule'] as const,
    registers,
  });
  const refusals = new Counter({
    name: 'kindling_secret_refusals_total',
    help: 'Token Secret versions refused, by rule.',
    labelNames: ['rule'] as const,
    registers,
  });
  new Gauge({
    name: 'kindling_token_conflicts',
    help: 'Tokens claimed by more than one Secret (each answers 503 until one claim is left).',
    registers,
    collect() {
      this.set(stats().conflicts);
    },
  });
  const sourceErrors = new Counter({
    name: 'kindling_source_errors_total',
    help: 'Errors reading token Secrets from the source, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  const lastSync = new Gauge({
    name: 'kindling_source_last_sync_timestamp_seconds',
    help: 'When the source last applied a full list or an event (how stale the view may be).',
    registers,
  });
  // Until the first sync, the view is as old as the process.
  let lastSyncMs = now();
  new Gauge({
    name: 'kindling_source_staleness_seconds',
    help: 'Seconds since the source last applied a list or an event, or saw its watch end cleanly.',
    registers,
    collect() {
      this.set((now() - lastSyncMs) / 1000);
    },
  });
  const markSynced = () => {
    lastSyncMs = now();
    lastSync.set(lastSyncMs / 1000);
  };
  const sourceReconnects = new Counter({
    name: 'kindling_source_reconnects_total',
    help: 'Times the source re-established its list/watch after a failure or an expired resourceVersion.',
    registers,
  });
  const firstFetchWrites = new Counter({
    name: 'kindling_first_fetch_writes_total',
    help: 'First-fetch records (on token Secrets and per-machine token records), by result (written, exists, stale, gone, conflict, failed, dropped).',
    labelNames: ['result'] as const,
    registers,
  });
  const renderStatusWrites = new Counter({
    name: 'kindling_render_status_writes_total',
    help: 'Render-status annotations written on template Secrets, by result (written, conflict, gone, failed).',
    labelNames: ['result'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'kindling_rate_limited_total',
    help: 'Requests answered 503 because their address made too many failed lookups.',
    registers,
  });
  new Gauge({
    name: 'kindling_source_ready',
    help: '1 once the first full load of token Secrets has been applied.',
    registers,
    collect() {
      this.set(sourceReady() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kindling_store',
    help: 'What the store holds: secrets (served), refused, payloads (distinct), tombstones, gzip_pending (payloads served as identity until their gzip is made).',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const s = stats();
      this.set({ kind: 'secrets' }, s.secrets);
      this.set({ kind: 'refused' }, s.refused);
      this.set({ kind: 'payloads' }, s.payloads);
      this.set({ kind: 'tombstones' }, s.tombstones);
      this.set({ kind: 'gzip_pending' }, s.gzipPending);
    },
  });
  new Gauge({
    name: 'kindling_store_bytes',
    help: 'Bytes held: payloads as stored, and derived bytes (gzip, converted specs) in the bounded cache.',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const s = stats();
      this.set({ kind: 'payloads' }, s.payloadBytes);
      this.set({ kind: 'cache' }, s.cacheBytes);
    },
  });
  return {
    registry,
    observeRequest,
    refused,
    refusals,
    sourceErrors,
    lastSync,
    markSynced,
    sourceReconnects,
    firstFetchWrites,
    renderStatusWrites,
    rateLimited,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
