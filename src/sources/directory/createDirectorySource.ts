import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KindlingError } from '../../errors/KindlingError.ts';
import { DEFAULT_SELECTOR } from '../../tokens/labels.ts';
import { secretKey, type SecretObject } from '../../tokens/SecretObject.ts';
import { isClusterObject, type ClusterObject } from '../ClusterObject.ts';
import { parseSelector } from '../parseSelector.ts';
import type { Source, SourceSink } from '../Source.ts';
import type { SourceObserver } from '../SourceObserver.ts';
import { readSecretFile, type FileObject } from './readSecretFile.ts';

export interface DirectorySourceOptions {
  path: string;
  selector?: string;
  observer?: SourceObserver;
  /** Changes arrive as bursts of events (editors write, rename, chmod): one scan per burst. */
  debounceMs?: number;
  /** A rescan on a timer too, for filesystems where change events get lost (network mounts, some overlays). */
  pollIntervalMs?: number;
}

const READABLE = /\.(json|ya?ml)$/;

interface FileState {
  stamp: string;
  objects: FileObject[];
  /** False once the token Secrets' data was dropped (see `lighten`). */
  full: boolean;
}

/**
 * A token Secret without its data: what a file's state keeps after the store has taken the Secret, so the
 * payloads are held once (by the store), not twice. Cluster objects stay whole: they are small, and the
 * cluster data compares contents.
 */
const LIGHT = new WeakSet<object>();

function lightenOne(entry: FileObject): FileObject {
  const secret = entry.object as Partial<SecretObject> | null;
  if (secret === null || typeof secret !== 'object' || isClusterObject(secret)) return entry;
  const light = { ...secret, data: undefined, stringData: undefined };
  LIGHT.add(light);
  return { where: entry.where, object: light };
}

function lighten(objects: FileObject[]): FileObject[] {
  return objects.map(lightenOne);
}

/** Templates are small and read cluster data: they wait for the full pass, by which all cluster data is in. */
function holdsTemplate(secret: Partial<SecretObject>): boolean {
  return secret.data?.template !== undefined || secret.stringData?.template !== undefined;
}

/**
 * Token Secrets from a directory of Kubernetes manifests: the embedded default, no cluster needed. The
 * cluster data templates read (ConfigMap kube-public/cluster-info, Secrets of kube-system) may sit there too,
 * and the verification-keys and revocations Secrets of per-machine tokens. First fetches of per-machine
 * tokens are not recorded (no `recordMachineFetch`): there is nowhere to write them back.
 */
export function createDirectorySource({
  path,
  selector = DEFAULT_SELECTOR,
  observer = {},
  debounceMs = 50,
  pollIntervalMs = 5_000,
}: DirectorySourceOptions): Source {
  const selected = parseSelector(selector);
  const files = new Map<string, FileState>();
  // The stamp of a file that failed, so an unchanged broken file is reported once, not at every poll.
  const failed = new Map<string, string>();
  let sink: SourceSink | undefined;
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  // What the sink holds, as `key` → resourceVersion: a light Secret may be handed over only under these.
  let handed = new Map<string, string | undefined>();

  async function readChanged(
    names: string[],
    { force = false, onRead }: { force?: boolean; onRead?: (name: string) => void } = {},
  ) {
    for (const name of names) {
      const file = join(path, name);
      try {
        const info = await stat(file);
        if (!info.isFile()) continue;
        const stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
        const unchanged = files.get(name)?.stamp === stamp || failed.get(name) === stamp;
        if (unchanged && !force) continue;
        try {
          files.set(name, { stamp, objects: readSecretFile(name, await readFile(file, 'utf8')), full: true });
          onRead?.(name);
          failed.delete(name);
        } catch (error) {
          failed.set(name, stamp);
          const kept = files.get(name)?.objects.length ?? 0;
          observer.error?.(
            'parse',
            `${(error as Error).message}; keeping the ${kept} object(s) last read from it`,
            {
              file: name,
            },
          );
        }
      } catch (error) {
        // Vanished between readdir and stat: the next scan sees it gone.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          observer.error?.('read', `${name}: ${(error as Error).message}`, { file: name });
        }
      }
    }
  }

  function collect(): { secrets: SecretObject[]; cluster: ClusterObject[]; stale: Set<string> } {
    const byKey = new Map<string, string>();
    const secrets: SecretObject[] = [];
    const cluster: ClusterObject[] = [];
    const stale = new Set<string>();
    for (const name of [...files.keys()].sort()) {
      for (const { where, object } of files.get(name)?.objects ?? []) {
        const secret = object as Partial<SecretObject> | null;
        if (typeof secret === 'object' && secret !== null && isClusterObject(secret)) {
          cluster.push(secret);
          continue;
        }
        if (
          typeof secret !== 'object' ||
          secret === null ||
          (secret.kind !== undefined && secret.kind !== 'Secret')
        ) {
          observer.error?.('not-a-secret', `${where}: not a Secret; ignored`, { file: name });
          continue;
        }
        if (typeof secret.metadata?.name !== 'string') {
          observer.error?.('parse', `${where}: metadata.name is missing; ignored`, { file: name });
          continue;
        }
        if (!selected(secret.metadata.labels)) continue;
        const key = secretKey(secret.metadata);
        const first = byKey.get(key);
        if (first !== undefined) {
          observer.error?.('duplicate', `${where}: Secret ${key} is already defined in ${first}; ignored`, {
            file: name,
          });
          continue;
        }
        byKey.set(key, where);
        if (LIGHT.has(secret) && handed.get(key) !== secret.metadata.resourceVersion) stale.add(name);
        secrets.push(secret as SecretObject);
      }
    }
    return { secrets, cluster, stale };
  }

  /**
   * The first load hands each file's payload Secrets (and cluster data) to the sink as soon as the file is
   * read, then drops their data: a thousand payloads are never all held twice while loading. Files come in
   * name order, so the first definition of a Secret wins, as in `collect`, which then reports duplicates.
   */
  function streamFile(name: string) {
    const state = files.get(name);
    if (!state || !sink) return;
    state.objects = state.objects.map((entry) => {
      const object = entry.object as Partial<SecretObject> | null;
      if (object === null || typeof object !== 'object') return entry;
      if (isClusterObject(object)) {
        sink?.cluster.upsert(object);
        return entry;
      }
      const { metadata } = object;
      if (object.kind !== undefined && object.kind !== 'Secret') return entry;
      if (typeof metadata?.name !== 'string' || !selected(metadata.labels) || holdsTemplate(object))
        return entry;
      const key = secretKey(metadata);
      if (handed.has(key)) return entry;
      sink?.upsert(object as SecretObject);
      handed.set(key, metadata.resourceVersion);
      return lightenOne(entry);
    });
  }

  async function scanOnce() {
    const names = (await readdir(path)).filter((name) => !name.startsWith('.') && READABLE.test(name)).sort();
    const present = new Set(names);
    for (const name of [...files.keys()]) if (!present.has(name)) files.delete(name);
    for (const name of [...failed.keys()]) if (!present.has(name)) failed.delete(name);
    const firstLoad = files.size === 0 && handed.size === 0;
    await readChanged(names, firstLoad ? { onRead: streamFile } : {});
    let collected = collect();
    if (collected.stale.size > 0) {
      // A Secret the sink does not hold yet comes from a file whose data was dropped: read it again.
      await readChanged([...collected.stale], { force: true });
      collected = collect();
    }
    const { secrets, cluster } = collected;
    // Cluster data first, so templates render on the same pass that loads their Secrets.
    sink?.cluster.replace(
      'ConfigMap',
      cluster.filter((object) => object.kind === 'ConfigMap'),
    );
    sink?.cluster.replace(
      'Secret',
      cluster.filter((object) => object.kind === 'Secret'),
    );
    sink?.replace(secrets);
    handed = new Map(secrets.map((secret) => [secretKey(secret.metadata), secret.metadata.resourceVersion]));
    for (const state of files.values()) {
      if (state.full) Object.assign(state, { objects: lighten(state.objects), full: false });
    }
    observer.synced?.();
  }

  /** Scans never overlap; a change during a scan causes exactly one more. */
  function scan(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await scanOnce();
        } catch (error) {
          observer.error?.('read', `cannot read ${path}: ${(error as Error).message}`);
        }
      } while (again);
      running = undefined;
    })();
    return running;
  }

  function schedule() {
    clearTimeout(debounce);
    debounce = setTimeout(() => void scan(), debounceMs);
  }

  return {
    description: `dir:${path}`,
    async start(target) {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isDirectory()) {
        throw new KindlingError(
          'ERR_CONFIG_INVALID',
          `source directory ${path} does not exist or is not a directory`,
          {
            path: 'source',
          },
        );
      }
      sink = target;
      await scan();
      try {
        watcher = watch(path, { persistent: false }, schedule);
        watcher.on('error', (error) =>
          observer.error?.('watch', `watching ${path} failed: ${error.message}`),
        );
      } catch (error) {
        observer.error?.('watch', `cannot watch ${path}, polling only: ${(error as Error).message}`);
      }
      poll = setInterval(() => void scan(), pollIntervalMs);
      poll.unref();
    },
    async stop() {
      watcher?.close();
      clearInterval(poll);
      clearTimeout(debounce);
      sink = undefined;
      await running;
    },
  };
}
