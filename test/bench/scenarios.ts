import { randomUUID } from 'node:crypto';
import { KiB, makePool, MiB, type Pool } from './payloads.ts';

/** One kind of GET /ignition request, measured against kindling and the raw server alike. */
export interface Scenario {
  id: string;
  label: string;
  headers: Record<string, string>;
  status: number;
  /** The body expected (before any gzip) for a 200. */
  pool?: Pool;
  gzip: boolean;
}

// What Ignition v2.20 sends (../shared/notes/ignition-client.md); a stub may ask for gzip in httpHeaders.
export const IGNITION_HEADERS = {
  'user-agent': 'Ignition/v2.20.0',
  accept: 'application/vnd.coreos.ignition+json;version=3.5.0, */*;q=0.1',
};

export const SIZES = [
  { label: '8 KiB', bytes: 8 * KiB },
  { label: '256 KiB', bytes: 256 * KiB },
  { label: '2 MiB', bytes: 2 * MiB },
];

export function makeScenarios(): { scenarios: Scenario[]; pools: Pool[] } {
  const pools = SIZES.map(({ label, bytes }) =>
    makePool(`bench-${label.replace(' ', '').toLowerCase()}`, bytes),
  );
  const scenarios: Scenario[] = pools.flatMap((pool, index) =>
    [false, true].map((gzip) => ({
      id: `${pool.name}-${gzip ? 'gzip' : 'identity'}`,
      label: `200 ${SIZES[index]?.label} ${gzip ? 'gzip' : 'identity'}`,
      headers: {
        ...IGNITION_HEADERS,
        authorization: `Bearer ${pool.token}`,
        'accept-encoding': gzip ? 'gzip' : 'identity',
      },
      status: 200,
      pool,
      gzip,
    })),
  );
  return { scenarios: [...scenarios, ...errorScenarios()], pools };
}

/** The two refusals measured: no Authorization header (401), a well-formed token nobody holds (503). */
export function errorScenarios(): Scenario[] {
  return [
    { id: '401', label: '401 no token', headers: { ...IGNITION_HEADERS }, status: 401, gzip: false },
    {
      id: '503',
      label: '503 unknown token',
      headers: { ...IGNITION_HEADERS, authorization: `Bearer ${randomUUID()}` },
      status: 503,
      gzip: false,
    },
  ];
}
