import { describe, expect, it } from 'vitest';
import {
  createRequestRecorder,
  type RequestRecord,
} from '../../../src/http/accessLog/createRequestRecorder.ts';
import { createLogger } from '../../../src/log/createLogger.ts';
import type { Metrics } from '../../../src/metrics/createMetrics.ts';

function recorder() {
  const observed: [string, string, number][] = [];
  const lines: Record<string, unknown>[] = [];
  const metrics = {
    observeRequest: (route: string, method: string, status: number) =>
      void observed.push([route, method, status]),
  } as unknown as Metrics;
  const logger = createLogger({
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { record: createRequestRecorder({ logger, metrics, requestId: () => 'id' }), observed, lines };
}

const request = (path: string, method: string, status = 200): RequestRecord => ({
  method,
  path,
  status,
  errorCode: undefined,
  pool: undefined,
  tokenFingerprint: undefined,
  remoteAddress: '192.0.2.1',
  userAgent: 'Ignition/v2.20.0',
  seconds: 0.001,
});

describe('createRequestRecorder', () => {
  it('labels each request by its own route and method, however they alternate', () => {
    const { record, observed, lines } = recorder();
    const sent: [string, string][] = [
      ['/ignition', 'GET'],
      ['/ignition', 'GET'],
      ['/cloud-config', 'GET'],
      ['/ignition', 'HEAD'],
      ['/nowhere', 'GET'],
      ['/ignition', 'DELETE'],
      ['/advertise', 'POST'],
      ['/ignition', 'GET'],
    ];
    for (const [path, method] of sent) record(request(path, method));
    expect(observed).toEqual([
      ['ignition', 'GET', 200],
      ['ignition', 'GET', 200],
      ['cloud-config', 'GET', 200],
      ['ignition', 'HEAD', 200],
      ['other', 'GET', 200],
      ['ignition', 'other', 200],
      ['advertise', 'POST', 200],
      ['ignition', 'GET', 200],
    ]);
    // The log line names the same route; a method outside the set is logged as sent, never made a label.
    expect(lines.map(({ route, method }) => [route, method])).toEqual([
      ['ignition', 'GET'],
      ['ignition', 'GET'],
      ['cloud-config', 'GET'],
      ['ignition', 'HEAD'],
      ['other', 'GET'],
      ['ignition', 'DELETE'],
      ['advertise', 'POST'],
      ['ignition', 'GET'],
    ]);
  });
});
