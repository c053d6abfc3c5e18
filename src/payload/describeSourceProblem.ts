import { isValidDataUrl } from './isValidDataUrl.ts';
import { quote } from './payloadError.ts';
import { compareSpecVersions, type SpecVersion } from './SpecVersion.ts';
import { URL_SCHEMES, urlScheme } from './versionGates.ts';

/**
 * What Ignition (config/v3_X/types/url.go) would object to in a non-empty resource source, or undefined.
 * Messages never repeat the URL: sources often carry credentials (signed URLs, user:password@, data: keys).
 */
export function describeSourceProblem(source: string, version: SpecVersion): string | undefined {
  // The WHATWG parser strips what Go's url.Parse refuses: surrounding spaces, tabs and newlines.
  // A data: URL's body runs to megabytes and is held below to rules that no control character passes.
  const comma = source.startsWith('data:') ? source.indexOf(',') : -1;
  if (source !== source.trim() || hasControlCharacter(comma < 0 ? source : source.slice(0, comma))) {
    return 'is not a valid URL: it contains control characters or surrounding spaces';
  }
  const scheme = urlScheme(source);
  if (scheme === undefined) return 'is not an absolute URL (no scheme)';
  const since = URL_SCHEMES.get(scheme);
  if (since === undefined) {
    return `URL scheme ${quote(scheme)} is not one Ignition fetches (${supportedSchemes(version)} in spec ${version})`;
  }
  if (compareSpecVersions(since, version) > 0) return `${scheme}: URLs need spec ${since} or newer`;
  if (scheme === 'data') return isValidDataUrl(source) ? undefined : 'is not a valid RFC 2397 data URL';
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return `is not a valid ${scheme}: URL`;
  }
  if (scheme !== 's3' && scheme !== 'arn') return undefined;
  if (url.searchParams.has('versionId') && url.searchParams.get('versionId') === '') {
    return 'has an empty S3 versionId';
  }
  return scheme === 'arn' ? describeArnProblem(url) : undefined;
}

/** An `arn:` source must name an S3 object, directly or through an access point (Ignition 2.15+, spec 3.4). */
function describeArnProblem(url: URL): string | undefined {
  const arn = `arn:${url.pathname}`;
  const sections = arn.split(':');
  if (sections.length < 6 || sections[2] !== 's3') return 'is not an S3 ARN (arn:<partition>:s3:…)';
  const resource = sections.slice(5).join(':');
  const parts = arn.split('/').length;
  if (parts < (resource.startsWith('accesspoint/') ? 3 : 2)) return 'is an S3 ARN without an object key';
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function supportedSchemes(version: SpecVersion): string {
  return [...URL_SCHEMES]
    .filter(([, since]) => compareSpecVersions(since, version) <= 0)
    .map(([scheme]) => scheme)
    .join(', ');
}
