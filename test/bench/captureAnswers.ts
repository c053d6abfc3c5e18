import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Scenario } from './scenarios.ts';

interface RawAnswer {
  status: number;
  headers: [string, string][];
  bodyFile: string;
}

/** What rawServer.ts serves: kindling's answers, keyed by Authorization header and gzip or not. */
export interface RawSpec {
  routes: (RawAnswer & { authorization: string; gzip: boolean })[];
  unauthorized: RawAnswer;
  unknown: RawAnswer;
}

// Per connection, not per answer: node:http writes its own.
const HOP_BY_HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

export function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: [string, string][]; body: Buffer }>((resolve, reject) => {
    request(`${url}/ignition`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          pairs.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '']);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
    })
      .on('error', reject)
      .end();
  });
}

/**
 * Asks kindling each scenario's question once, checks the answer (status; for a 200, the exact payload,
 * gunzipped when gzip), and writes the answers for the raw server to repeat byte for byte.
 */
export async function captureAnswers(url: string, scenarios: Scenario[], dir: string): Promise<RawSpec> {
  const routes: RawSpec['routes'] = [];
  let unauthorized: RawAnswer | undefined;
  let unknown: RawAnswer | undefined;
  for (const scenario of scenarios) {
    const answer = await get(url, scenario.headers);
    if (answer.status !== scenario.status) {
      throw new Error(
        `${scenario.label}: kindling answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`,
      );
    }
    if (scenario.pool) {
      const body = scenario.gzip ? gunzipSync(answer.body) : answer.body;
      if (!body.equals(scenario.pool.payload))
        throw new Error(`${scenario.label}: kindling served other bytes`);
    }
    const bodyFile = join(dir, `${scenario.id}.body`);
    writeFileSync(bodyFile, answer.body);
    const raw = {
      status: answer.status,
      headers: answer.headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
      bodyFile,
    };
    const authorization = scenario.headers['authorization'];
    if (scenario.status === 401) unauthorized = raw;
    else if (scenario.status === 503) unknown = raw;
    else if (authorization !== undefined) routes.push({ ...raw, authorization, gzip: scenario.gzip });
  }
  if (!unauthorized || !unknown) throw new Error('the 401 and 503 scenarios are needed for the raw server');
  return { routes, unauthorized, unknown };
}
