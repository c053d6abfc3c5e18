import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRequestMetrics } from '../../src/metrics/createRequestMetrics.ts';

describe('createRequestMetrics', () => {
  it('counts by route, method and status, and exposes a cumulative histogram in Prometheus text', async () => {
    const registry = new Registry();
    const observe = createRequestMetrics({ registry });
    observe('ignition', 'GET', 200, 0.0002);
    observe('ignition', 'GET', 200, 0.003);
    observe('ignition', 'GET', 503, 2);
    observe('healthz', 'GET', 200, 0.00005);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE kindling_http_requests_total counter');
    expect(text).toContain('kindling_http_requests_total{route="ignition",method="GET",status="200"} 2');
    expect(text).toContain('kindling_http_requests_total{route="ignition",method="GET",status="503"} 1');
    expect(text).toContain('kindling_http_requests_total{route="healthz",method="GET",status="200"} 1');
    expect(text).toContain('# TYPE kindling_http_request_duration_seconds histogram');
    expect(text).toContain('kindling_http_request_duration_seconds_bucket{le="0.0001",route="ignition"} 0');
    expect(text).toContain('kindling_http_request_duration_seconds_bucket{le="0.00025",route="ignition"} 1');
    expect(text).toContain('kindling_http_request_duration_seconds_bucket{le="0.005",route="ignition"} 2');
    expect(text).toContain('kindling_http_request_duration_seconds_bucket{le="1",route="ignition"} 2');
    expect(text).toContain('kindling_http_request_duration_seconds_bucket{le="+Inf",route="ignition"} 3');
    expect(text).toContain('kindling_http_request_duration_seconds_count{route="ignition"} 3');
    expect(text).toMatch(/kindling_http_request_duration_seconds_sum\{route="ignition"\} 2\.0032/);
    expect(text).toContain('kindling_http_request_duration_seconds_bucket{le="0.0001",route="healthz"} 1');
  });

  it('counts each series apart when requests alternate between them', async () => {
    const registry = new Registry();
    const observe = createRequestMetrics({ registry });
    for (const [route, method, status] of [
      ['ignition', 'GET', 200],
      ['ignition', 'GET', 200],
      ['ignition', 'HEAD', 200],
      ['ignition', 'GET', 304],
      ['cloud-config', 'GET', 200],
      ['ignition', 'GET', 200],
    ] as const) {
      observe(route, method, status, 0.001);
    }
    const text = await registry.metrics();
    expect(text).toContain('kindling_http_requests_total{route="ignition",method="GET",status="200"} 3');
    expect(text).toContain('kindling_http_requests_total{route="ignition",method="HEAD",status="200"} 1');
    expect(text).toContain('kindling_http_requests_total{route="ignition",method="GET",status="304"} 1');
    expect(text).toContain('kindling_http_requests_total{route="cloud-config",method="GET",status="200"} 1');
    expect(text).toContain('kindling_http_request_duration_seconds_count{route="ignition"} 5');
    expect(text).toContain('kindling_http_request_duration_seconds_count{route="cloud-config"} 1');
  });
});
