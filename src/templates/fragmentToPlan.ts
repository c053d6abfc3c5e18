import { gunzipSync } from 'node:zlib';
import { isJsonObject, type JsonObject, type JsonValue } from '../payload/JsonValue.ts';
import { formatJsonPath, type JsonPath } from '../payload/JsonPath.ts';
import { decodeDataUrl } from './dataUrl.ts';
import type { NodePlan, PlanDownload, PlanFile, PlanUnit, PlanUser } from './NodePlan.ts';
import { renderError } from './renderError.ts';

/*
 * The part of Ignition a #cloud-config can say too. A fragment using anything else cannot be rendered for
 * cloud-init: the two formats must give the same machine, so nothing is dropped silently. Timeouts are the one
 * exception: they only tune Ignition's own fetching, and no machine differs by them.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  '': ['ignition', 'storage', 'systemd', 'passwd'],
  ignition: ['version', 'timeouts'],
  storage: ['files', 'directories', 'links'],
  file: ['path', 'mode', 'overwrite', 'contents', 'user', 'group'],
  contents: ['source', 'compression', 'verification'],
  verification: ['hash'],
  owner: ['name'],
  directory: ['path', 'mode', 'overwrite'],
  link: ['path', 'target', 'hard', 'overwrite'],
  systemd: ['units'],
  unit: ['name', 'contents', 'enabled', 'mask', 'dropins'],
  dropin: ['name', 'contents'],
  passwd: ['users', 'groups'],
  user: ['name', 'sshAuthorizedKeys', 'groups', 'passwordHash', 'shell'],
  group: ['name'],
};

/**
 * A raw Ignition fragment (already valid for its spec) as plan entries, for renderCloudConfig. Throws
 * ERR_RENDER_FAILED (rule `cloud-config`) at the first field #cloud-config cannot express, with its path.
 */
export function fragmentToPlan(fragment: JsonObject): Omit<NodePlan, 'hostname'> {
  const root = fields(fragment, '', []);
  fields(root.ignition, 'ignition', ['ignition']);
  const storage = fields(root.storage, 'storage', ['storage']);
  const systemd = fields(root.systemd, 'systemd', ['systemd']);
  const passwd = fields(root.passwd, 'passwd', ['passwd']);
  const files: PlanFile[] = [];
  const downloads: PlanDownload[] = [];
  list(storage.files).forEach((value, i) => {
    const entry = readFile(value, ['storage', 'files', i]);
    if ('url' in entry) downloads.push(entry);
    else files.push(entry);
  });
  return {
    files,
    downloads,
    directories: list(storage.directories).map((value, i) => {
      const directory = fields(value, 'directory', ['storage', 'directories', i]);
      return {
        path: text(directory.path) ?? '',
        ...(isMode(directory.mode) ? { mode: directory.mode } : {}),
      };
    }),
    links: list(storage.links).map((value, i) => {
      const link = fields(value, 'link', ['storage', 'links', i]);
      return { path: text(link.path) ?? '', target: text(link.target) ?? '', hard: link.hard === true };
    }),
    units: list(systemd.units).map((value, i) => readUnit(value, ['systemd', 'units', i])),
    users: list(passwd.users).map((value, i) => readUser(value, ['passwd', 'users', i])),
    groups: list(passwd.groups).map(
      (value, i) => text(fields(value, 'group', ['passwd', 'groups', i]).name) ?? '',
    ),
  };
}

function readFile(value: JsonValue, at: JsonPath): PlanFile | PlanDownload {
  const file = fields(value, 'file', at);
  const contents = fields(file.contents, 'contents', [...at, 'contents']);
  const verification = fields(contents.verification, 'verification', [...at, 'contents', 'verification']);
  const user = text(fields(file.user, 'owner', [...at, 'user']).name);
  const group = text(fields(file.group, 'owner', [...at, 'group']).name);
  const path = text(file.path) ?? '';
  const mode = isMode(file.mode) ? file.mode : 0o644;
  const source = text(contents.source);
  const gzip = contents.compression === 'gzip';
  if (source === undefined || source.startsWith('data:')) {
    const bytes = source === undefined ? new Uint8Array() : decodeDataUrl(source);
    const owner = user === undefined && group === undefined ? {} : { owner: { user, group } };
    return { path, mode, contents: gzip ? gunzipSync(bytes) : bytes, ...owner };
  }
  if (/^https?:/i.test(source) && !gzip && user === undefined && group === undefined) {
    const hash = text(verification.hash);
    return { path, mode, url: source, ...(hash === undefined ? {} : { hash }) };
  }
  throw unsupported(
    [...at, 'contents', 'source'],
    'only data: URLs, or http(s) without compression or owner',
  );
}

function readUnit(value: JsonValue, at: JsonPath): PlanUnit {
  const unit = fields(value, 'unit', at);
  const dropins = list(unit.dropins).map((dropin, j) => {
    const entry = fields(dropin, 'dropin', [...at, 'dropins', j]);
    return { name: text(entry.name) ?? '', contents: text(entry.contents) ?? '' };
  });
  const contents = text(unit.contents);
  return {
    name: text(unit.name) ?? '',
    ...(contents === undefined ? {} : { contents }),
    ...(dropins.length === 0 ? {} : { dropins }),
    ...(typeof unit.enabled === 'boolean' ? { enabled: unit.enabled } : {}),
    ...(typeof unit.mask === 'boolean' ? { mask: unit.mask } : {}),
  };
}

function readUser(value: JsonValue, at: JsonPath): PlanUser {
  const user = fields(value, 'user', at);
  const strings = (field: JsonValue | undefined) => list(field).flatMap((item) => text(item) ?? []);
  const passwordHash = text(user.passwordHash);
  const shell = text(user.shell);
  return {
    name: text(user.name) ?? '',
    sshAuthorizedKeys: strings(user.sshAuthorizedKeys),
    groups: strings(user.groups),
    ...(passwordHash === undefined ? {} : { passwordHash }),
    ...(shell === undefined ? {} : { shell }),
  };
}

/** The object at `at`, after checking that it sets nothing but the fields #cloud-config can express. */
function fields(value: JsonValue | undefined, kind: string, at: JsonPath): JsonObject {
  const found = isJsonObject(value) ? value : {};
  for (const [key, child] of Object.entries(found)) {
    // null is Ignition's "not set".
    if (child !== null && !(ALLOWED[kind] ?? []).includes(key)) throw unsupported([...at, key]);
  }
  return found;
}

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isMode(value: JsonValue | undefined): value is number {
  return typeof value === 'number';
}

function unsupported(path: JsonPath, detail?: string) {
  const where = `ignition.fragment.${formatJsonPath(path)}`;
  const why = detail === undefined ? '' : `: ${detail}`;
  return renderError(
    'cloud-config',
    where,
    `has no #cloud-config equivalent${why}; this template renders for Ignition only`,
  );
}
