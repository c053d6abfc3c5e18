import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** The metrics port: plain HTTP, `/metrics` only, kept off the payload port so it can be firewalled apart. */
export function createMetricsServer({ registry }: { registry: Registry }): Server {
  return createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) =>
        res
          .writeHead(200, { 'Content-Type': registry.contentType })
          .end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
}
