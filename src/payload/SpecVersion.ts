/** The stable Ignition config specs kindling validates, serves and converts between. */
export const SPEC_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0'] as const;

export type SpecVersion = (typeof SPEC_VERSIONS)[number];

export function isSpecVersion(value: unknown): value is SpecVersion {
  return typeof value === 'string' && (SPEC_VERSIONS as readonly string[]).includes(value);
}

// Every known version is `3.<one digit>.0`, so the minor's digit orders them. Checked here, once, so that a
// spec 3.10 or 4.0 added to the list fails at load instead of being misordered.
if (!SPEC_VERSIONS.every((version, i) => version === `3.${i}.0`))
  throw new Error(
    'SPEC_VERSIONS must be 3.0.0, 3.1.0, … in order: compareSpecVersions reads the minor digit',
  );

/**
 * Negative when a is older than b. Only meaningful for known spec versions. Called on every /ignition
 * request: two character loads, where searching the list compared strings (the stored version is a string
 * parsed from the Secret, not the list's own, so each comparison reads its characters).
 */
export function compareSpecVersions(a: SpecVersion, b: SpecVersion): number {
  return a.charCodeAt(2) - b.charCodeAt(2);
}
