import { downloadScript } from './downloadScript.ts';
import type { NodePlan, PlanFile, PlanUser } from './NodePlan.ts';

const DOWNLOAD_SCRIPT_PATH = '/opt/kindling/download.sh';
const UNIT_DIRECTORY = '/etc/systemd/system';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type RunCommand = readonly string[];

/**
 * A plan as a cloud-config object: hostname, groups, users, write_files (unit files included) and runcmd.
 */
export function planToCloudConfig(plan: NodePlan): Record<string, unknown> {
  const files = filesToWrite(plan);
  const runcmd = commandsToRun(plan);
  return {
    ...hostnameSettings(plan.hostname),
    ...(plan.groups.length === 0 ? {} : { groups: plan.groups }),
    // `default` keeps the image's own user, as Ignition does: both only add users.
    ...(plan.users.length === 0 ? {} : { users: ['default', ...plan.users.map(userEntry)] }),
    ...(files.length === 0 ? {} : { write_files: files.map(writeFile) }),
    ...(runcmd.length === 0 ? {} : { runcmd }),
  };
}

/** cloud-init sets the hostname from the datasource at every boot, unless told to keep it. */
function hostnameSettings(hostname: NodePlan['hostname']): Record<string, unknown> {
  if (hostname === undefined) return {};
  return 'name' in hostname
    ? { hostname: hostname.name, preserve_hostname: false }
    : { preserve_hostname: true };
}

function filesToWrite(plan: NodePlan): PlanFile[] {
  const files: PlanFile[] = [...plan.files];
  for (const unit of plan.units) {
    if (unit.contents !== undefined) {
      files.push({ path: `${UNIT_DIRECTORY}/${unit.name}`, mode: 0o644, contents: unit.contents });
    }
    for (const { name, contents } of unit.dropins ?? []) {
      files.push({ path: `${UNIT_DIRECTORY}/${unit.name}.d/${name}`, mode: 0o644, contents });
    }
  }
  if (plan.downloads.length > 0) {
    files.push({ path: DOWNLOAD_SCRIPT_PATH, mode: 0o700, contents: downloadScript(plan.downloads) });
  }
  return files;
}

/**
 * cloud-init writes files once boot is under way, so what an Ignition machine gets from booting after the
 * writes is done here, in order: masks, directories and links, downloads, each file's `apply` command,
 * daemon-reload, then enabling and starting every enabled unit, without waiting (cloud-init finishes while
 * the join runs).
 */
function commandsToRun(plan: NodePlan): RunCommand[] {
  const runcmd: RunCommand[] = [];
  for (const { name } of plan.units.filter((unit) => unit.mask === true))
    runcmd.push(['systemctl', 'mask', name]);
  for (const { path, mode } of plan.directories) {
    runcmd.push(['mkdir', '-p', path]);
    if (mode !== undefined) runcmd.push(['chmod', octal(mode), path]);
  }
  for (const { path, target, hard } of plan.links) {
    runcmd.push(['mkdir', '-p', path.slice(0, path.lastIndexOf('/')) || '/']);
    runcmd.push(hard ? ['ln', '-f', target, path] : ['ln', '-sfn', target, path]);
  }
  if (plan.downloads.length > 0) runcmd.push(['sh', DOWNLOAD_SCRIPT_PATH]);
  const applied = new Set<string>();
  for (const { apply } of plan.files) {
    if (apply === undefined || applied.has(apply.join(' '))) continue;
    applied.add(apply.join(' '));
    runcmd.push(apply);
  }
  if (plan.units.some((unit) => unit.contents !== undefined || (unit.dropins ?? []).length > 0)) {
    runcmd.push(['systemctl', 'daemon-reload']);
  }
  const enabled = plan.units
    .filter((unit) => unit.enabled === true && unit.mask !== true)
    .map(({ name }) => name);
  // One unit per command: systemctl gives up on every unit named when one of them does not exist.
  for (const name of enabled) runcmd.push(['systemctl', 'enable', name]);
  for (const name of enabled) runcmd.push(['systemctl', 'start', '--no-block', name]);
  return runcmd;
}

function writeFile({ path, mode, contents, owner }: PlanFile): Record<string, unknown> {
  const text = asText(contents);
  return {
    path,
    ...(text === undefined
      ? { encoding: 'b64', content: Buffer.from(contents).toString('base64') }
      : { content: text }),
    permissions: octal(mode),
    // cloud-init creates users after write_files: a file owned by one is written later, still before runcmd.
    ...(owner === undefined
      ? {}
      : { owner: `${owner.user ?? 'root'}:${owner.group ?? 'root'}`, defer: true }),
  };
}

/** Text YAML can carry as it is; anything else (binary, control characters) travels as base64. */
function asText(contents: string | Uint8Array): string | undefined {
  let text: string;
  try {
    text = typeof contents === 'string' ? contents : UTF8.decode(contents);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- exactly the characters YAML cannot hold literally
  return /[\x00-\x08\x0b-\x1f\x7f]/.test(text) ? undefined : text;
}

function userEntry({
  name,
  sshAuthorizedKeys,
  groups,
  passwordHash,
  shell,
}: PlanUser): Record<string, unknown> {
  return {
    name,
    ...(groups.length === 0 ? {} : { groups }),
    ...(shell === undefined ? {} : { shell }),
    ...(passwordHash === undefined ? {} : { hashed_passwd: passwordHash, lock_passwd: false }),
    ...(sshAuthorizedKeys.length === 0 ? {} : { ssh_authorized_keys: sshAuthorizedKeys }),
  };
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
