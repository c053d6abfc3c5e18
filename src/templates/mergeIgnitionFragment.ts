import { isJsonObject, type JsonObject, type JsonValue } from '../payload/JsonValue.ts';

interface ListKey {
  /** The field naming an entry; unset for lists of strings, keyed by the string itself. */
  field?: string;
  /** Lists sharing a key space: an entry in one replaces an entry with the same key in any of them. */
  space: string;
}

/** The keyed lists of every spec 3.x (the Key() of Ignition's config/v3_X/types), by dotted path. */
const KEYED_LISTS: Readonly<Record<string, ListKey>> = {
  'ignition.config.merge': { field: 'source', space: 'ignition.config.merge' },
  'ignition.security.tls.certificateAuthorities': { field: 'source', space: 'certificateAuthorities' },
  'ignition.proxy.noProxy': { space: 'noProxy' },
  'storage.disks': { field: 'device', space: 'disks' },
  'storage.raid': { field: 'name', space: 'raid' },
  'storage.luks': { field: 'name', space: 'luks' },
  'storage.filesystems': { field: 'device', space: 'filesystems' },
  // One key space, as in Ignition: a path is a file, a directory or a link, never two of them.
  'storage.files': { field: 'path', space: 'storage nodes' },
  'storage.directories': { field: 'path', space: 'storage nodes' },
  'storage.links': { field: 'path', space: 'storage nodes' },
  'systemd.units': { field: 'name', space: 'units' },
  'passwd.users': { field: 'name', space: 'users' },
  'passwd.groups': { field: 'name', space: 'groups' },
  'kernelArguments.shouldExist': { space: 'kernelArguments' },
  'kernelArguments.shouldNotExist': { space: 'kernelArguments' },
};

/**
 * Merges a raw Ignition fragment over a rendered config, the fragment winning. Objects merge key by key;
 * a scalar or unkeyed list of the fragment replaces the rendered one; a null leaves the rendered value (as
 * in Ignition, where null means "not set"). In the keyed lists of KEYED_LISTS a fragment entry replaces,
 * whole and in place, the rendered entry with the same key (a file with the same path, a unit with the same
 * name, …), and removes one with that key from another list of its key space (a fragment link at the path
 * of a rendered file removes that file); other entries are appended. Ignition's own merge would instead
 * merge two same-key entries field by field: replacing keeps a fragment entry exactly as written, so what
 * the node gets is what the fragment says, with no rendered field surviving underneath. Inputs are not
 * changed.
 */
export function mergeIgnitionFragment(config: JsonObject, fragment: JsonObject): JsonObject {
  return mergeObjects(config, fragment, '', claimedKeys(fragment));
}

/** Key space → key → the list (dotted path) of the fragment that holds it. */
type Claims = Map<string, Map<string, string>>;

function claimedKeys(fragment: JsonObject): Claims {
  const claims: Claims = new Map();
  for (const [path, listKey] of Object.entries(KEYED_LISTS)) {
    const list = at(fragment, path);
    if (!Array.isArray(list)) continue;
    const space = claims.get(listKey.space) ?? new Map<string, string>();
    for (const entry of list) {
      const key = keyOf(entry, listKey);
      if (key !== undefined) space.set(key, path);
    }
    claims.set(listKey.space, space);
  }
  return claims;
}

function mergeObjects(base: JsonObject, over: JsonObject, path: string, claims: Claims): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const here = path === '' ? key : `${path}.${key}`;
    const current = base[key];
    if (value === null && current !== undefined) continue;
    if (isJsonObject(current) && isJsonObject(value))
      result[key] = mergeObjects(current, value, here, claims);
    else if (Array.isArray(current) && Array.isArray(value) && KEYED_LISTS[here] !== undefined) {
      result[key] = mergeKeyedList(current, value, here, claims);
    } else result[key] = value;
  }
  // A rendered list the fragment does not mention may still lose entries to another list of its key space.
  for (const [key, current] of Object.entries(base)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (over[key] === undefined && Array.isArray(current) && KEYED_LISTS[here] !== undefined) {
      result[key] = mergeKeyedList(current, [], here, claims);
    }
  }
  return result;
}

function mergeKeyedList(base: JsonValue[], over: JsonValue[], path: string, claims: Claims): JsonValue[] {
  const listKey = KEYED_LISTS[path] as ListKey;
  const space = claims.get(listKey.space);
  const replacements = new Map<string, JsonValue>();
  for (const entry of over) {
    const key = keyOf(entry, listKey);
    if (key !== undefined) replacements.set(key, entry);
  }
  const used = new Set<string>();
  const merged: JsonValue[] = [];
  for (const entry of base) {
    const key = keyOf(entry, listKey);
    const claimedBy = key === undefined ? undefined : space?.get(key);
    if (key === undefined || claimedBy === undefined) merged.push(entry);
    else if (claimedBy === path) {
      merged.push(replacements.get(key) as JsonValue);
      used.add(key);
    }
  }
  for (const entry of over) {
    const key = keyOf(entry, listKey);
    if (key === undefined || !used.has(key)) merged.push(entry);
  }
  return merged;
}

function keyOf(entry: JsonValue, { field }: ListKey): string | undefined {
  if (field === undefined) return typeof entry === 'string' ? entry : undefined;
  const key = isJsonObject(entry) ? entry[field] : undefined;
  return typeof key === 'string' ? key : undefined;
}

function at(value: JsonValue, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of path.split('.')) current = isJsonObject(current) ? current[key] : undefined;
  return current;
}
