import { cleanPath } from './cleanPath.ts';
import type { ConfigShape, FileShape, LinkShape, NodeShape, OwnerShape } from './ConfigShape.ts';
import { formatJsonPath, type JsonPath } from './JsonPath.ts';
import { payloadError, quote } from './payloadError.ts';

type NodeKind = 'files' | 'directories' | 'links';

/**
 * Ignition's rules for files, directories and links (config/v3_X/types node.go, file.go, mode.go,
 * storage.go, and the duplicate check of its validator, which treats the three lists as one).
 */
export function checkStorageNodes(config: ConfigShape): void {
  const storage = config.storage;
  if (storage === undefined) return;
  const links = storage.links ?? [];
  const directories = new Map((storage.directories ?? []).map((d, i) => [d.path, i]));
  const declared = new Map<string, JsonPath>();
  const visit = (kind: NodeKind, node: NodeShape, index: number): void => {
    const at = ['storage', kind, index];
    checkNode(node, at);
    if (kind === 'files') checkFile(node as FileShape, at);
    if (kind === 'links') checkLink(node as LinkShape, at, directories);
    const first = declared.get(node.path);
    if (first !== undefined) {
      throw payloadError(
        'semantic',
        [...at, 'path'],
        `${quote(node.path)} is already declared at ${formatJsonPath(first)}`,
      );
    }
    declared.set(node.path, [...at, 'path']);
    const via = links.findIndex((link) => node.path.startsWith(`${link.path}/`));
    if (via >= 0) {
      throw payloadError(
        'semantic',
        [...at, 'path'],
        `goes through the link storage.links[${via}]; Ignition refuses that`,
      );
    }
  };
  storage.files?.forEach((node, i) => visit('files', node, i));
  storage.directories?.forEach((node, i) => visit('directories', node, i));
  links.forEach((node, i) => visit('links', node, i));
}

function checkNode(node: NodeShape & { mode?: number | null }, at: JsonPath): void {
  const { path, mode } = node;
  if (!path.startsWith('/'))
    throw payloadError('semantic', [...at, 'path'], `${quote(path)} is not an absolute path`);
  const clean = cleanPath(path);
  if (clean !== path) {
    throw payloadError(
      'semantic',
      [...at, 'path'],
      `${quote(path)} is not normalised (Ignition wants ${quote(clean)})`,
    );
  }
  // JSON has no octal literals: 0644 is written 420, and a 644 meant as octal lands above 07777 or on odd bits.
  if (typeof mode === 'number' && (mode < 0 || mode > 0o7777)) {
    throw payloadError(
      'semantic',
      [...at, 'mode'],
      `${mode} is outside 0–07777 (decimal 0–4095; 0644 is written 420)`,
    );
  }
  checkOwner(node.user, [...at, 'user']);
  checkOwner(node.group, [...at, 'group']);
}

function checkOwner(owner: OwnerShape | undefined, at: JsonPath): void {
  if (owner === undefined) return;
  if (owner.id !== undefined && owner.id !== null && typeof owner.name === 'string' && owner.name !== '') {
    throw payloadError('semantic', at, 'sets both id and name; Ignition takes one or the other');
  }
}

function checkFile(file: FileShape, at: JsonPath): void {
  const source = file.contents?.source;
  if (file.overwrite === true && (source === undefined || source === null)) {
    throw payloadError('semantic', [...at, 'overwrite'], 'overwrite: true needs contents.source');
  }
}

function checkLink(link: LinkShape, at: JsonPath, directories: ReadonlyMap<string, number>): void {
  const { target } = link;
  if (target === undefined || target === null || target === '') {
    throw payloadError('semantic', [...at, 'target'], 'a link needs a target');
  }
  if (link.hard !== true) return;
  // Ignition resolves a relative hard-link target against the link's own path (path.Join(l.Path, l.Target)).
  const resolved = target.startsWith('/') ? cleanPath(target) : cleanPath(`${link.path}/${target}`);
  const directory = directories.get(resolved);
  if (directory !== undefined) {
    throw payloadError(
      'semantic',
      [...at, 'target'],
      `is the directory storage.directories[${directory}]; hard links cannot target directories`,
    );
  }
}
