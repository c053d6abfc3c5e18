import type { JsonObject, JsonValue } from '../payload/JsonValue.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import { dataUrl } from './dataUrl.ts';
import type { NodePlan, PlanDownload, PlanFile, PlanUnit, PlanUser } from './NodePlan.ts';

/**
 * A plan as an Ignition config of `version`, using only what spec 3.0.0 already has. Every file is written
 * with overwrite: the image may ship one at the same path (an /etc/containerd/config.toml, an /etc/hostname).
 */
export function planToIgnition(plan: NodePlan, version: SpecVersion): JsonObject {
  const hostname = plan.hostname !== undefined && 'name' in plan.hostname ? plan.hostname.name : undefined;
  const files: JsonValue[] = [
    ...(hostname === undefined
      ? []
      : [fileEntry({ path: '/etc/hostname', mode: 0o644, contents: `${hostname}\n` })]),
    ...plan.files.map(fileEntry),
    ...plan.downloads.map(downloadEntry),
  ];
  const storage: JsonObject = {
    ...nonEmpty('files', files),
    ...nonEmpty(
      'directories',
      plan.directories.map(({ path, mode }) => ({ path, ...(mode === undefined ? {} : { mode }) })),
    ),
    ...nonEmpty(
      'links',
      plan.links.map(({ path, target, hard }) => ({ path, target, ...(hard ? { hard } : {}) })),
    ),
  };
  const passwd: JsonObject = {
    ...nonEmpty('users', plan.users.map(userEntry)),
    ...nonEmpty(
      'groups',
      plan.groups.map((name) => ({ name })),
    ),
  };
  return {
    ignition: { version },
    ...(Object.keys(passwd).length === 0 ? {} : { passwd }),
    ...(Object.keys(storage).length === 0 ? {} : { storage }),
    ...(plan.units.length === 0 ? {} : { systemd: { units: plan.units.map(unitEntry) } }),
  };
}

function fileEntry({ path, mode, contents, owner }: PlanFile): JsonObject {
  return {
    path,
    mode,
    overwrite: true,
    contents: { source: dataUrl(contents) },
    ...(owner?.user === undefined ? {} : { user: { name: owner.user } }),
    ...(owner?.group === undefined ? {} : { group: { name: owner.group } }),
  };
}

function downloadEntry({ path, mode, url, hash }: PlanDownload): JsonObject {
  return {
    path,
    mode,
    overwrite: true,
    contents: { source: url, ...(hash === undefined ? {} : { verification: { hash } }) },
  };
}

function unitEntry({ name, contents, dropins, enabled, mask }: PlanUnit): JsonObject {
  return {
    name,
    ...(contents === undefined ? {} : { contents }),
    ...nonEmpty(
      'dropins',
      (dropins ?? []).map((dropin) => ({ ...dropin })),
    ),
    ...(enabled === undefined ? {} : { enabled }),
    ...(mask === undefined ? {} : { mask }),
  };
}

function userEntry({ name, sshAuthorizedKeys, groups, passwordHash, shell }: PlanUser): JsonObject {
  return {
    name,
    ...nonEmpty('sshAuthorizedKeys', [...sshAuthorizedKeys]),
    ...nonEmpty('groups', [...groups]),
    ...(passwordHash === undefined ? {} : { passwordHash }),
    ...(shell === undefined ? {} : { shell }),
  };
}

function nonEmpty(key: string, list: JsonValue[]): JsonObject {
  return list.length === 0 ? {} : { [key]: list };
}
