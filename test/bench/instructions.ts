import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Child, startChild } from './children.ts';
import type { Scenario } from './scenarios.ts';

/**
 * User-space instructions per request, counted by valgrind's callgrind: the same for the same code and
 * requests whatever else the machine is doing, so it shows what a noisy req/s ratio cannot settle. Kernel
 * work (the socket writes, the same bytes for both servers) is not counted, and native code runs on
 * valgrind's CPU model: OpenSSL's SHA-256 counts several times what it costs with the CPU's SHA extensions.
 */
export function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Exactly `count` GETs, eight at a time; throws on an answer other than `status`. */
async function send(agent: Agent, url: string, scenario: Scenario, count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) {
        const status = await new Promise<number>((resolve, reject) => {
          request(`${url}/ignition`, { agent, headers: scenario.headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
            .on('error', reject)
            .end();
        });
        if (status !== scenario.status) throw new Error(`${scenario.label}: answered ${status}`);
      }
    }),
  );
}

/** A server's start, given the options that put it under callgrind (startKindling, or startChild for raw). */
export type StartServer = (options: Parameters<typeof startChild>[3]) => Promise<Child>;

/** Starts a server under callgrind, warms it up, and counts the instructions of `requests` requests. */
export async function instructionsPerRequest(
  work: string,
  name: string,
  start: StartServer,
  scenario: Scenario,
  { warmup = 3_000, requests = 6_000 }: { warmup?: number; requests?: number } = {},
): Promise<number> {
  const out = join(work, `callgrind.${name}.${scenario.id}`);
  const server = await start({
    via: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`],
    timeoutMs: 300_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await send(agent, server.url, scenario, warmup);
    execFileSync('callgrind_control', ['-z', String(server.pid)], { stdio: 'ignore' });
    await send(agent, server.url, scenario, requests);
    execFileSync('callgrind_control', ['-d', String(server.pid)], { stdio: 'ignore' });
  } finally {
    agent.destroy();
    await server.stop();
  }
  const dump = readdirSync(work).find((file) => file.startsWith(`callgrind.${name}.${scenario.id}.`));
  const totals = dump && /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(work, dump), 'utf8'))?.[1];
  if (!totals) throw new Error(`callgrind wrote no dump for ${name} ${scenario.label}`);
  return Number(totals) / requests;
}
