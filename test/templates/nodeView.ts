import { parse } from 'yaml';
import { decodeDataUrl } from '../../src/templates/dataUrl.ts';

/**
 * What a machine ends up with, read back from either rendered format, so that one set of assertions holds
 * both to the same meaning. Units are read from their files (cloud-config) or entries (Ignition).
 */
export interface NodeView {
  files: Map<string, { text: string; mode: number }>;
  downloads: Map<string, { url: string; hash: string | undefined }>;
  units: Map<string, { contents?: string; dropins: Map<string, string>; enabled: boolean; masked: boolean }>;
  users: Map<string, { sshAuthorizedKeys: string[]; groups: string[] }>;
  /** Set at render time (`/etc/hostname`, or cloud-config's `hostname`). */
  hostname: string | undefined;
}

type IgnitionFile = {
  path: string;
  mode?: number;
  contents?: { source?: string; verification?: { hash?: string } };
};
type IgnitionUnit = {
  name: string;
  contents?: string;
  enabled?: boolean;
  mask?: boolean;
  dropins?: { name: string; contents?: string }[];
};
type IgnitionUser = { name: string; sshAuthorizedKeys?: string[]; groups?: string[] };

export function viewIgnition(bytes: Buffer): NodeView {
  const config = JSON.parse(bytes.toString('utf8')) as {
    storage?: { files?: IgnitionFile[] };
    systemd?: { units?: IgnitionUnit[] };
    passwd?: { users?: IgnitionUser[] };
  };
  const view = emptyView();
  for (const file of config.storage?.files ?? []) {
    const source = file.contents?.source ?? 'data:,';
    if (source.startsWith('data:')) {
      const text = Buffer.from(decodeDataUrl(source)).toString('utf8');
      view.files.set(file.path, { text, mode: file.mode ?? 0o644 });
    } else view.downloads.set(file.path, { url: source, hash: file.contents?.verification?.hash });
  }
  view.hostname = view.files.get('/etc/hostname')?.text.trim();
  for (const unit of config.systemd?.units ?? []) {
    view.units.set(unit.name, {
      ...(unit.contents === undefined ? {} : { contents: unit.contents }),
      dropins: new Map((unit.dropins ?? []).map((d) => [d.name, d.contents ?? ''])),
      enabled: unit.enabled === true,
      masked: unit.mask === true,
    });
  }
  for (const user of config.passwd?.users ?? []) {
    view.users.set(user.name, { sshAuthorizedKeys: user.sshAuthorizedKeys ?? [], groups: user.groups ?? [] });
  }
  return view;
}

type CloudFile = { path: string; content: string; encoding?: string; permissions: string };
type CloudUser = { name: string; ssh_authorized_keys?: string[]; groups?: string[] };

export function viewCloudConfig(bytes: Buffer): NodeView {
  const config = parse(bytes.toString('utf8')) as {
    hostname?: string;
    write_files?: CloudFile[];
    runcmd?: string[][];
    users?: (string | CloudUser)[];
  };
  const view = emptyView();
  view.hostname = config.hostname;
  const runcmd = config.runcmd ?? [];
  const listed = (verb: string) =>
    runcmd.filter((c) => c[0] === 'systemctl' && c[1] === verb).flatMap((c) => c.slice(2));
  const enabled = new Set(listed('enable'));
  const masked = new Set(listed('mask'));
  type Unit = NodeView['units'] extends Map<string, infer U> ? U : never;
  const unitOf = (name: string): Unit => {
    const unit: Unit = view.units.get(name) ?? {
      dropins: new Map(),
      enabled: enabled.has(name),
      masked: masked.has(name),
    };
    view.units.set(name, unit);
    return unit;
  };
  for (const name of [...masked, ...enabled]) unitOf(name);
  for (const file of config.write_files ?? []) {
    const text =
      file.encoding === 'b64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
    const unit = /^\/etc\/systemd\/system\/([^/]+)$/.exec(file.path);
    const dropin = /^\/etc\/systemd\/system\/([^/]+)\.d\/([^/]+)$/.exec(file.path);
    if (unit?.[1] !== undefined) unitOf(unit[1]).contents = text;
    else if (dropin?.[1] !== undefined && dropin[2] !== undefined)
      unitOf(dropin[1]).dropins.set(dropin[2], text);
    else view.files.set(file.path, { text, mode: Number.parseInt(file.permissions, 8) });
  }
  const script = view.files.get('/opt/kindling/download.sh')?.text ?? '';
  for (const [, url, path, , tool, digest] of script.matchAll(/^fetch (\S+) (\S+) (\S+) (\S+) (\S+)$/gm)) {
    const hash = tool === '-' ? undefined : `${tool?.replace(/sum$/, '')}-${digest}`;
    view.downloads.set(path ?? '', { url: url ?? '', hash });
  }
  for (const user of config.users ?? []) {
    if (typeof user === 'string') continue;
    view.users.set(user.name, {
      sshAuthorizedKeys: user.ssh_authorized_keys ?? [],
      groups: user.groups ?? [],
    });
  }
  return view;
}

/** A systemd unit file as section → key → values (a key may repeat: Wants=, After=, ExecStart=). */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      current = sections.get(header[1]) ?? new Map();
      sections.set(header[1], current);
      continue;
    }
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (setting?.[1] === undefined) continue;
    current.set(setting[1], [...(current.get(setting[1]) ?? []), setting[2] ?? '']);
  }
  return sections;
}

/** Every whitespace-separated value a unit setting takes, over all its lines. */
export function unitValues(unit: Map<string, Map<string, string[]>>, section: string, key: string): string[] {
  return (unit.get(section)?.get(key) ?? []).flatMap((value) => value.split(/\s+/).filter(Boolean));
}

function emptyView(): NodeView {
  return { files: new Map(), downloads: new Map(), units: new Map(), users: new Map(), hostname: undefined };
}
