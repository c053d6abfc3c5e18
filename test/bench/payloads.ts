import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/**
 * A valid Ignition 3.4.0 config of exactly `size` bytes: one file whose contents are a base64 data: URL of
 * random bytes, as when a config embeds compressed files. Random, so no two pools share a payload and gzip
 * gains what it would on such a config (base64 text: about a quarter).
 */
export function ignitionPayload(size: number): Buffer {
  const shell = (data: string) =>
    JSON.stringify({
      ignition: { version: '3.4.0' },
      storage: {
        files: [
          { path: '/etc/kindling/bench/padding', mode: 420, contents: { source: `data:;base64,${data}` } },
        ],
      },
    });
  const room = size - shell('').length;
  if (room < 4) throw new Error(`a payload cannot be as small as ${size} bytes`);
  const data = randomBytes(Math.floor(room / 4) * 3).toString('base64');
  // The last 0–3 bytes: JSON white space after the document.
  const text = shell(data);
  return Buffer.from(text + ' '.repeat(size - text.length));
}

export interface Pool {
  name: string;
  token: string;
  payload: Buffer;
}

/** A token Secret (format v1) for `pool`, as a JSON manifest the directory source reads. */
export function tokenSecretFile(pool: Pool): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kindling.dev/token',
    metadata: {
      name: `token-${pool.name}`,
      namespace: 'kindling',
      labels: { 'kindling.dev/token-secret': 'true', 'kindling.dev/pool': pool.name },
    },
    stringData: { token: pool.token, payload: pool.payload.toString('utf8') },
  });
}

export function makePool(name: string, size: number): Pool {
  return { name, token: randomUUID(), payload: ignitionPayload(size) };
}

/** Writes one manifest per pool into `dir`, named after the pool. */
export function writePools(dir: string, pools: Pool[]): void {
  for (const pool of pools) writeFileSync(join(dir, `${pool.name}.json`), tokenSecretFile(pool));
}
