import type { ConfigShape } from './ConfigShape.ts';
import { elideDataUrls } from './elideDataUrls.ts';
import { listResources } from './listResources.ts';
import type { SpecVersion } from './SpecVersion.ts';
import { parseIgnition, validateIgnition } from './validateIgnition.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The spec version of a payload once its bytes pass every check `parseIgnition` makes, with the same
 * verdict and the same error; for a payload that is checked, not kept as a tree (a token Secret's).
 *
 * A large payload's base64 data: URLs are checked on the bytes and parsed as short stand-ins (see
 * elideDataUrls), which keeps a cold start with a thousand 256 KiB payloads off 500 MB of fresh memory. The
 * stand-ins are used only where every check treats them as it treats the URLs they replace: as resource
 * sources. Anywhere else, or when the compact text does not parse, the whole payload is parsed as it is.
 */
export function validateIgnitionBytes(bytes: Buffer): SpecVersion {
  const config = parseElided(bytes);
  return config === undefined ? parseIgnition(bytes).version : validateIgnition(config).version;
}

/**
 * The payload parsed with its large data: URLs elided, when that gives the verdict the whole text would:
 * there are some, the compact text parses, and every stand-in is a resource's source. Else undefined.
 */
export function parseElided(bytes: Buffer): unknown {
  const elided = elideDataUrls(bytes);
  if (elided === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(UTF8.decode(elided.compact));
  } catch {
    return undefined;
  }
  return onlyAtSources(config, elided.placeholders) ? config : undefined;
}

/** Whether every string equal to a placeholder (as a value or a key) is the source of a resource. */
function onlyAtSources(config: unknown, placeholders: ReadonlySet<string>): boolean {
  let atSources = 0;
  try {
    for (const { resource } of listResources(config as ConfigShape)) {
      if (typeof resource.source === 'string' && placeholders.has(resource.source)) atSources++;
    }
  } catch {
    // Not shaped as a config: the schema will say so, on the original.
    return false;
  }
  return atSources === occurrences(config, placeholders);
}

function occurrences(value: unknown, placeholders: ReadonlySet<string>): number {
  if (typeof value === 'string') return placeholders.has(value) ? 1 : 0;
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += occurrences(item, placeholders);
    return count;
  }
  for (const [key, item] of Object.entries(value)) {
    if (placeholders.has(key)) count++;
    count += occurrences(item, placeholders);
  }
  return count;
}
