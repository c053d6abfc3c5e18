/*
 * Times as the commands write and show them. Annotations hold whole seconds (RFC 3339, `Z`), as Kubernetes
 * and kubeadm write theirs. Ends of validity are rounded up (a token never lives shorter than asked), a
 * revocation down (refused at once).
 */

export function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function ceilToSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

/** `2026-05-01T12:00:00Z`: RFC 3339 in UTC, whole seconds (truncated). */
export function rfc3339(ms: number): string {
  return new Date(floorToSecond(ms)).toISOString().replace('.000Z', 'Z');
}

/** Milliseconds of an RFC 3339 annotation; undefined when absent or unreadable. */
export function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const;

/** `2d3h`, `5h`, `3m20s`, `45s`: the largest unit and the next one, as kubectl shows ages. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000)) * 1000;
  const index = UNITS.findIndex(([, size]) => seconds >= size);
  if (index === -1) return '0s';
  const [unit, size] = UNITS[index] as (typeof UNITS)[number];
  const next = UNITS[index + 1];
  const rest = next === undefined ? 0 : Math.floor((seconds % size) / next[1]);
  return `${Math.floor(seconds / size)}${unit}${rest > 0 && next !== undefined ? `${rest}${next[0]}` : ''}`;
}
