import type { ConfigShape } from './ConfigShape.ts';
import { payloadError, quote } from './payloadError.ts';

/**
 * The unit types systemd loads. Ignition also accepts `.snapshot`, a type systemd dropped in v228, so a
 * config relying on it would do nothing on any current system.
 */
const UNIT_NAME = /^[^/]+\.(?:service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;
const DROPIN_NAME = /^[^/]+\.conf$/;
const UNIT_DIRECTORY = '/etc/systemd/system/';

/**
 * Ignition's systemd rules (config/v3_X/types/unit.go, config.go). Enabling a unit without contents is
 * allowed: it may ship with the OS.
 */
export function checkSystemd(config: ConfigShape): void {
  const units = config.systemd?.units ?? [];
  const unitIndexes = new Map<string, number>();
  const writtenPaths = new Map<string, string>();
  units.forEach((unit, i) => {
    const at = ['systemd', 'units', i];
    if (!UNIT_NAME.test(unit.name)) {
      throw payloadError(
        'semantic',
        [...at, 'name'],
        `${quote(unit.name)} is not a unit name with a known type (.service, .timer, …)`,
      );
    }
    const first = unitIndexes.get(unit.name);
    if (first !== undefined) {
      throw payloadError(
        'semantic',
        [...at, 'name'],
        `${quote(unit.name)} is already declared at systemd.units[${first}]`,
      );
    }
    unitIndexes.set(unit.name, i);
    if (isNonEmpty(unit.contents)) writtenPaths.set(UNIT_DIRECTORY + unit.name, `systemd.units[${i}]`);
    const dropinIndexes = new Map<string, number>();
    unit.dropins?.forEach((dropin, j) => {
      const dropinAt = [...at, 'dropins', j, 'name'];
      if (!DROPIN_NAME.test(dropin.name))
        throw payloadError('semantic', dropinAt, `${quote(dropin.name)} must end in .conf`);
      const firstDropin = dropinIndexes.get(dropin.name);
      if (firstDropin !== undefined) {
        throw payloadError(
          'semantic',
          dropinAt,
          `${quote(dropin.name)} is already declared at systemd.units[${i}].dropins[${firstDropin}]`,
        );
      }
      dropinIndexes.set(dropin.name, j);
      if (isNonEmpty(dropin.contents)) {
        writtenPaths.set(
          `${UNIT_DIRECTORY}${unit.name}.d/${dropin.name}`,
          `systemd.units[${i}].dropins[${j}]`,
        );
      }
    });
  });
  checkStorageConflicts(config, writtenPaths);
}

/** A storage node at a path Ignition also writes for a unit or drop-in: one would silently win. */
function checkStorageConflicts(config: ConfigShape, writtenPaths: ReadonlyMap<string, string>): void {
  const { storage } = config;
  if (storage === undefined || writtenPaths.size === 0) return;
  const lists = [
    ['files', storage.files],
    ['directories', storage.directories],
    ['links', storage.links],
  ] as const;
  for (const [kind, nodes] of lists) {
    nodes?.forEach((node, i) => {
      const unit = writtenPaths.get(node.path);
      if (unit !== undefined) {
        throw payloadError(
          'semantic',
          ['storage', kind, i, 'path'],
          `${quote(node.path)} is also written by ${unit}`,
        );
      }
    });
  }
}

function isNonEmpty(contents: string | null | undefined): boolean {
  return typeof contents === 'string' && contents !== '';
}
