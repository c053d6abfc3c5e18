// The runtime's ceiling: a bare node:http server answering GET /ignition with bytes prepared in advance and
// found in a Map by the Authorization header, with kindling's own status, headers and body for each request
// (captured from kindling in the same run, see captureAnswers.ts). No hashing, no routing, no metrics.
//
//   node test/bench/rawServer.ts SPEC.json      prints {"msg":"listening","url":…} like kindling
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawSpec } from './captureAnswers.ts';

interface Prepared {
  status: number;
  headers: string[];
  body: Buffer;
}

const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as RawSpec;
const prepare = (answer: RawSpec['unauthorized']): Prepared => ({
  status: answer.status,
  headers: answer.headers.flat(),
  body: readFileSync(answer.bodyFile),
});
const routes = new Map(spec.routes.map((route) => [`${route.authorization} ${route.gzip}`, prepare(route)]));
const unauthorized = prepare(spec.unauthorized);
const unknown = prepare(spec.unknown);

// node:http's options as kindling sets them where they change the cost of a request, so the ceiling is the
// runtime's best and the ratio measures kindling's own work.
const server = createServer({ keepAliveTimeout: 5_000, optimizeEmptyRequests: true }, (req, res) => {
  const authorization = req.headers.authorization;
  const answer =
    authorization === undefined
      ? unauthorized
      : (routes.get(`${authorization} ${/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')}`) ?? unknown);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
