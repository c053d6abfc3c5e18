import type { SpecVersion } from './SpecVersion.ts';

/**
 * Values (not keys) that only some specs accept, so no schema tells them apart. From coreos/ignition's
 * config/v3_X/types (verification.go, url.go).
 */
export const HASH_FUNCTIONS: ReadonlyMap<string, { since: SpecVersion; hexDigits: number }> = new Map([
  ['sha512', { since: '3.0.0', hexDigits: 128 }],
  ['sha256', { since: '3.1.0', hexDigits: 64 }],
]);

/**
 * URL schemes Ignition fetches, by the first spec that accepts them. Recent Ignition releases also take
 * `oem://` in every spec, but older clients refuse it, so kindling does not serve it.
 */
export const URL_SCHEMES: ReadonlyMap<string, SpecVersion> = new Map([
  ['data', '3.0.0'],
  ['http', '3.0.0'],
  ['https', '3.0.0'],
  ['tftp', '3.0.0'],
  ['s3', '3.0.0'],
  ['gs', '3.2.0'],
  ['arn', '3.4.0'],
]);

/** The lower-cased scheme of a URL (as Go's url.Parse reports it), or undefined when it has none. */
export function urlScheme(source: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source);
  return match?.[1]?.toLowerCase();
}

/** The function name of a `<function>-<digest>` hash, or undefined when there is no dash. */
export function hashFunction(hash: string): string | undefined {
  const dash = hash.indexOf('-');
  return dash < 0 ? undefined : hash.slice(0, dash);
}
