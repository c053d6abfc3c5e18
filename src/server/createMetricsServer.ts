import { createServer, type ServerResponse, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { HttpAnswer } from '../http/HttpAnswer.ts';

export interface MetricsServerOptions {
  registry: Registry;
  /** `GET /machines`: the machine reports the server holds itself (directory source), for `kindling machines list`. */
  machines?: () => Promise<HttpAnswer>;
}

function write(res: ServerResponse, head: boolean, { status, headers, body }: HttpAnswer) {
  res.writeHead(status, headers).end(head ? undefined : (body ?? undefined));
}

/**
 * The metrics port: plain HTTP, kept off the payload port so it can be firewalled apart (only monitoring and
 * operators reach it; machines have no business reading each other's facts).
 */
export function createMetricsServer({ registry, machines }: MetricsServerOptions): Server {
  return createServer((req, res) => {
    const path = req.url?.split('?')[0];
    const head = req.method === 'HEAD';
    const routed = req.method === 'GET' || head ? path : undefined;
    const fail = (status: number, text: string) =>
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
    if (routed === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(head ? undefined : text),
        () => fail(500, 'metrics unavailable\n'),
      );
    } else if (routed === '/machines' && machines) {
      machines().then(
        (answer) => write(res, head, answer),
        () => fail(503, 'machine reports unavailable\n'),
      );
    } else {
      fail(404, 'not found\n');
    }
  });
}
