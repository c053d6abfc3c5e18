import type { ConfigShape } from './ConfigShape.ts';
import { formatJsonPath, type JsonPath } from './JsonPath.ts';
import { payloadError, quote } from './payloadError.ts';

interface Keyed {
  key: string;
  path: JsonPath;
}

/**
 * Ignition's validator refuses two list entries with the same key (the Key() of config/v3_X/types): the
 * second would silently override or fight the first on the machine. Files, directories and links are
 * checked with their other rules (checkStorageNodes), units and drop-ins in checkSystemd.
 */
export function checkUniqueKeys(config: ConfigShape): void {
  const { ignition, storage, passwd, kernelArguments } = config;
  const sources = (
    list: readonly ({ source?: string | null } | null)[] | undefined,
    ...at: string[]
  ): Keyed[] =>
    (list ?? []).flatMap((r, i) =>
      typeof r?.source === 'string' && r.source !== '' ? [{ key: r.source, path: [...at, i, 'source'] }] : [],
    );
  const keyed = <T>(
    list: readonly T[] | undefined,
    key: (item: T) => string,
    field: string,
    ...at: string[]
  ): Keyed[] => (list ?? []).map((item, i) => ({ key: key(item), path: [...at, i, field] }));

  // URLs may carry credentials: their duplicates are named by position only.
  rejectDuplicates(sources(ignition.config?.merge, 'ignition', 'config', 'merge'), false);
  rejectDuplicates(
    sources(
      ignition.security?.tls?.certificateAuthorities,
      'ignition',
      'security',
      'tls',
      'certificateAuthorities',
    ),
    false,
  );
  rejectDuplicates(keyed(storage?.disks, (d) => d.device, 'device', 'storage', 'disks'));
  rejectDuplicates(keyed(storage?.raid, (r) => r.name, 'name', 'storage', 'raid'));
  rejectDuplicates(keyed(storage?.luks, (l) => l.name, 'name', 'storage', 'luks'));
  rejectDuplicates(keyed(storage?.filesystems, (f) => f.device, 'device', 'storage', 'filesystems'));
  rejectDuplicates(keyed(passwd?.users, (u) => u.name, 'name', 'passwd', 'users'));
  rejectDuplicates(keyed(passwd?.groups, (g) => g.name, 'name', 'passwd', 'groups'));
  // One key space for both lists: an argument cannot both be and not be on the command line.
  rejectDuplicates([
    ...(kernelArguments?.shouldExist ?? []).map((arg, i) => ({
      key: arg,
      path: ['kernelArguments', 'shouldExist', i],
    })),
    ...(kernelArguments?.shouldNotExist ?? []).map((arg, i) => ({
      key: arg,
      path: ['kernelArguments', 'shouldNotExist', i],
    })),
  ]);
}

function rejectDuplicates(entries: readonly Keyed[], showKey = true): void {
  const first = new Map<string, JsonPath>();
  for (const { key, path } of entries) {
    const earlier = first.get(key);
    if (earlier !== undefined) {
      const what = showKey ? quote(key) : 'the same value';
      throw payloadError('semantic', path, `${what} is already declared at ${formatJsonPath(earlier)}`);
    }
    first.set(key, path);
  }
}
