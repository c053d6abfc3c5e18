import type { Registry } from 'prom-client';

export const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

interface Series {
  labels: { route: string; method: string; status: string };
  count: number;
}

interface Durations {
  route: string;
  /** Per bucket, not cumulative; the last slot is +Inf. Made cumulative when scraped. */
  counts: Float64Array;
  sum: number;
  count: number;
}

type MetricValue = { labels: Record<string, string>; value: number; metricName?: string };

/**
 * The two metrics every request updates, kept as plain numbers and read by the registry only when scraped.
 * prom-client's own label children hash their label object on every `inc()`/`observe()`, which on the
 * boot-storm path costs more than the lookup that serves the payload.
 */
export function createRequestMetrics({ registry }: { registry: Registry }) {
  const requests = new Map<string, Map<string, Map<number, Series>>>();
  const durations = new Map<string, Durations>();

  const collector = (
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => MetricValue[],
  ) => ({
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get: async () => ({ name, help, type, aggregator: 'sum' as const, values: values() }),
    reset() {},
  });

  registry.registerMetric(
    collector(
      'kindling_http_requests_total',
      'HTTP requests answered, by route, method and status.',
      'counter',
      () =>
        [...requests.values()].flatMap((byMethod) =>
          [...byMethod.values()].flatMap((byStatus) =>
            [...byStatus.values()].map(({ labels, count }) => ({ labels, value: count })),
          ),
        ),
    ) as never,
  );
  registry.registerMetric(
    collector(
      'kindling_http_request_duration_seconds',
      'Time from request to the answer handed to the socket, by route.',
      'histogram',
      () =>
        [...durations.values()].flatMap(({ route, counts, sum, count }) => {
          let cumulative = 0;
          const buckets = [...DURATION_BUCKETS, Number.POSITIVE_INFINITY].map((le, i) => ({
            metricName: 'kindling_http_request_duration_seconds_bucket',
            labels: { le: le === Number.POSITIVE_INFINITY ? '+Inf' : String(le), route },
            value: (cumulative += counts[i] ?? 0),
          }));
          return [
            ...buckets,
            { metricName: 'kindling_http_request_duration_seconds_sum', labels: { route }, value: sum },
            { metricName: 'kindling_http_request_duration_seconds_count', labels: { route }, value: count },
          ];
        }),
    ) as never,
  );

  function seriesOf(route: string, method: string, status: number): Series {
    let byMethod = requests.get(route);
    if (!byMethod) requests.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series)
      byStatus.set(status, (series = { labels: { route, method, status: String(status) }, count: 0 }));
    return series;
  }

  function durationsOf(route: string): Durations {
    let d = durations.get(route);
    if (!d)
      durations.set(
        route,
        (d = { route, counts: new Float64Array(DURATION_BUCKETS.length + 1), sum: 0, count: 0 }),
      );
    return d;
  }

  // A boot storm is one route, method and status again and again: the last series is kept at hand, so a
  // repeat compares three values instead of making four lookups.
  let last:
    { route: string; method: string; status: number; series: Series; durations: Durations } | undefined;

  return function observe(route: string, method: string, status: number, seconds: number): void {
    if (last === undefined || last.route !== route || last.method !== method || last.status !== status)
      last = {
        route,
        method,
        status,
        series: seriesOf(route, method, status),
        durations: durationsOf(route),
      };
    last.series.count++;
    const d = last.durations;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[bucket] as number)) bucket++;
    d.counts[bucket] = (d.counts[bucket] ?? 0) + 1;
    d.sum += seconds;
    d.count++;
  };
}

export type RequestMetrics = ReturnType<typeof createRequestMetrics>;
