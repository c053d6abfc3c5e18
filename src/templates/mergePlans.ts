import type { NodePlan } from './NodePlan.ts';

type Entries = Omit<NodePlan, 'hostname'>;

/**
 * A fragment's plan entries over the rendered ones, by the rules of mergeIgnitionFragment: an entry replaces,
 * in place, the rendered entry with the same key (files, downloads, directories and links share one key, the
 * path; units and users are keyed by name), and removes one with that key of another kind; others are added.
 */
export function mergePlans(base: NodePlan, over: Entries): NodePlan {
  const overPaths = new Map<string, keyof Entries>();
  for (const kind of ['files', 'downloads', 'directories', 'links'] as const) {
    for (const { path } of over[kind]) overPaths.set(path, kind);
  }
  const byPath = <K extends 'files' | 'downloads' | 'directories' | 'links'>(kind: K): NodePlan[K] => {
    const replacements = new Map(over[kind].map((entry) => [entry.path, entry]));
    const kept = base[kind].flatMap((entry) => {
      const claimedBy = overPaths.get(entry.path);
      if (claimedBy === undefined) return [entry];
      return claimedBy === kind ? [replacements.get(entry.path) ?? entry] : [];
    });
    const placed = new Set(base[kind].map(({ path }) => path));
    return [...kept, ...over[kind].filter(({ path }) => !placed.has(path))] as NodePlan[K];
  };
  const byName = <T extends { name: string }>(rendered: readonly T[], added: readonly T[]): T[] => {
    const replacements = new Map(added.map((entry) => [entry.name, entry]));
    const placed = new Set(rendered.map(({ name }) => name));
    return [
      ...rendered.map((entry) => replacements.get(entry.name) ?? entry),
      ...added.filter(({ name }) => !placed.has(name)),
    ];
  };
  return {
    hostname: base.hostname,
    files: byPath('files'),
    downloads: byPath('downloads'),
    directories: byPath('directories'),
    links: byPath('links'),
    units: byName(base.units, over.units),
    users: byName(base.users, over.users),
    groups: [...base.groups, ...over.groups.filter((group) => !base.groups.includes(group))],
  };
}
