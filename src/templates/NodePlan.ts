/*
 * What a node gets, independent of the format that delivers it: renderIgnition and renderCloudConfig each
 * turn one plan into their format, so both formats describe the same machine. Each part of a node (host
 * preparation, binaries, the join, …) is a function returning a PlanPart; a new boot-time unit is one more
 * such function listed in planNode.
 */

export interface PlanFile {
  path: string;
  mode: number;
  contents: string | Uint8Array;
  /** User and group names; root when unset. */
  owner?: { user?: string; group?: string };
  /**
   * What makes a running system take the file into account. Ignition writes files before the system starts,
   * so it needs none; cloud-init writes them after boot has started, and runs these.
   */
  apply?: readonly string[];
}

export interface PlanDownload {
  path: string;
  mode: number;
  url: string;
  /** Ignition's `sha256-<hex>` or `sha512-<hex>`; unset only for downloads a raw fragment asked for. */
  hash?: string;
}

export interface PlanDirectory {
  path: string;
  mode?: number;
}

export interface PlanLink {
  path: string;
  target: string;
  hard: boolean;
}

export interface PlanUnit {
  name: string;
  /** Unset: the unit ships with the image. */
  contents?: string;
  dropins?: readonly { name: string; contents: string }[];
  /** Started at boot on Ignition machines; cloud-init starts it once it has written everything. */
  enabled?: boolean;
  mask?: boolean;
}

export interface PlanUser {
  name: string;
  sshAuthorizedKeys: readonly string[];
  groups: readonly string[];
  passwordHash?: string;
  shell?: string;
}

export interface NodePlan {
  /** Set at render time (`fixed`, `machine-name`); or computed at boot, which cloud-init must then leave alone. */
  hostname: { name: string } | { setAtBoot: true } | undefined;
  files: PlanFile[];
  downloads: PlanDownload[];
  directories: PlanDirectory[];
  links: PlanLink[];
  units: PlanUnit[];
  users: PlanUser[];
  groups: string[];
}

export type PlanPart = Partial<NodePlan>;

/** The parts in order; a later part's hostname wins. */
export function combinePlanParts(parts: readonly PlanPart[]): NodePlan {
  const plan: NodePlan = {
    hostname: undefined,
    files: [],
    downloads: [],
    directories: [],
    links: [],
    units: [],
    users: [],
    groups: [],
  };
  for (const part of parts) {
    plan.hostname = part.hostname ?? plan.hostname;
    plan.files.push(...(part.files ?? []));
    plan.downloads.push(...(part.downloads ?? []));
    plan.directories.push(...(part.directories ?? []));
    plan.links.push(...(part.links ?? []));
    plan.units.push(...(part.units ?? []));
    plan.users.push(...(part.users ?? []));
    plan.groups.push(...(part.groups ?? []));
  }
  return plan;
}
