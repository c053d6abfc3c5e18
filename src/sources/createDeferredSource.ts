import type { Source } from './Source.ts';

/**
 * A source whose code is imported only when it starts. The Kubernetes client and what it pulls in (about
 * 50 modules, a second of start-up and some 80 MiB of resident memory) are then loaded by the servers that
 * watch a cluster and by no other: `kindling demo`, a directory source, the CLI's offline commands.
 * Until `load` has settled, a fetch to record has nowhere to go and is dropped, as the Kubernetes source
 * itself drops it before its recorders exist.
 */
export function createDeferredSource({
  description,
  load,
}: {
  /** Logged before start; afterwards the loaded source's own. */
  description: string;
  load: () => Promise<Source>;
}): Source {
  let loading: Promise<Source> | undefined;
  let loaded: Source | undefined;
  return {
    get description() {
      return loaded?.description ?? description;
    },
    async start(sink) {
      loading ??= load().then((source) => (loaded = source));
      await (await loading).start(sink);
    },
    async stop() {
      // A stop during the import waits for it, so that nothing it then starts is left running.
      await loading?.catch(() => undefined);
      await loaded?.stop();
    },
    get machineReports() {
      return loaded?.machineReports;
    },
    get storeObserver() {
      return loaded?.storeObserver;
    },
    recordFetch(secret, tokenHash, remoteAddress) {
      loaded?.recordFetch?.(secret, tokenHash, remoteAddress);
    },
    recordMachineFetch(pool, jti, machine, remoteAddress) {
      loaded?.recordMachineFetch?.(pool, jti, machine, remoteAddress);
    },
  };
}
