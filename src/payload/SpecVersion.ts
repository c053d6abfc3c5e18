/** The stable Ignition config specs kindling validates, serves and converts between. */
export const SPEC_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0'] as const;

export type SpecVersion = (typeof SPEC_VERSIONS)[number];

export function isSpecVersion(value: unknown): value is SpecVersion {
  return typeof value === 'string' && (SPEC_VERSIONS as readonly string[]).includes(value);
}

/** Negative when a is older than b. Only meaningful for known spec versions. */
export function compareSpecVersions(a: SpecVersion, b: SpecVersion): number {
  return SPEC_VERSIONS.indexOf(a) - SPEC_VERSIONS.indexOf(b);
}
