import {
  CLUSTER_INFO,
  CLUSTER_SECRETS_NAMESPACE,
  type ClusterObject,
  type ClusterRef,
} from '../ClusterObject.ts';
import type { ClusterSink } from '../Source.ts';
import { secretKey, type SecretObject } from '../../tokens/SecretObject.ts';
import { LABEL_REVOCATIONS, LABEL_VERIFICATION_KEYS } from '../../tokens/machineRecordsFormat.ts';
import { createClusterFeeds } from './createClusterFeeds.ts';
import type { WatchedResource } from './createResourceApi.ts';
import type { ListWatchSink } from './ListWatchSink.ts';
import { referencedSecrets } from './referencedSecrets.ts';
import type { SecretTap } from './SecretTap.ts';
import type { ListWatchRun } from './startListWatch.ts';
import type { Timers } from './Timers.ts';

/** One watch of cluster data: where, which kind it delivers, and how logs and RBAC messages name it. */
export interface ClusterWatchTarget extends WatchedResource {
  kind: ClusterObject['kind'];
  what: string;
  /** As `kubectl auth can-i` names it, e.g. `configmaps/cluster-info`. */
  rbacResource: string;
}

export interface ClusterWatchesOptions {
  sink: ClusterSink;
  /** Starts one supervised list/watch; the caller owns the connection, backoff and timers. */
  watch: (target: ClusterWatchTarget, sink: ListWatchSink<ClusterObject>) => ListWatchRun;
  /** Where the verification-keys and revocations Secrets of per-machine tokens are read: the server's. */
  machineTokensNamespace: string;
  /** How long, from start, the token Secrets' first list may wait for the cluster data's. */
  firstListWaitMs: number;
  timers: Timers;
}

/** Also a tap on the token Secrets: their templates say which further Secrets to watch. */
export interface ClusterWatches extends SecretTap {
  /** Every watch now running has listed or failed once, or the wait bound has passed. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const FIXED: readonly ClusterWatchTarget[] = [
  {
    kind: 'ConfigMap',
    resource: 'configmaps',
    namespace: CLUSTER_INFO.namespace,
    fieldSelector: `metadata.name=${CLUSTER_INFO.name}`,
    what: 'cluster-info',
    rbacResource: `configmaps/${CLUSTER_INFO.name}`,
  },
  {
    kind: 'Secret',
    resource: 'secrets',
    namespace: CLUSTER_SECRETS_NAMESPACE,
    fieldSelector: 'type=bootstrap.kubernetes.io/token',
    what: 'bootstrap-token secrets',
    rbacResource: 'secrets',
  },
];

/**
 * The Secrets per-machine tokens are checked against, by label, in the server's namespace only (also with
 * --all-namespaces): whoever could write such a Secret elsewhere could otherwise have their own keys trusted,
 * and `token rotate-key` and `token revoke --machine` write them there. One watch per label: a label
 * selector cannot say "this label or that one".
 */
function machineTokenTargets(namespace: string): ClusterWatchTarget[] {
  const labels = [
    [LABEL_VERIFICATION_KEYS, 'verification-keys secrets'],
    [LABEL_REVOCATIONS, 'revocations secrets'],
  ] as const;
  return labels.map(([label, what]): ClusterWatchTarget => ({
    kind: 'Secret',
    resource: 'secrets',
    namespace,
    labelSelector: `${label}=true`,
    what,
    rbacResource: 'secrets',
  }));
}

/**
 * The cluster data templates read: ConfigMap kube-public/cluster-info and the bootstrap-token Secrets of
 * kube-system, each one list/watch; the per-machine tokens' keys and revocations (machineTokenTargets);
 * plus one list/watch per further Secret a template names (a certificate key), by field selector on its
 * name, for as long as some template names it. Per-name watches rather than a
 * GET per relist: a rotated certificate key is served as fast as any other change, by the same supervisor,
 * and there are only ever a few (control-plane templates).
 */
export function createClusterWatches({
  sink,
  watch,
  machineTokensNamespace,
  firstListWaitMs,
  timers,
}: ClusterWatchesOptions): ClusterWatches {
  const fixed = [...FIXED, ...machineTokenTargets(machineTokensNamespace)];
  const feeds = createClusterFeeds(sink);
  const runs = new Map<string, { id: string; run: ListWatchRun }>();
  const stopping = new Set<Promise<void>>();
  const named = new Map<string, { resourceVersion: string | undefined; targets: ClusterWatchTarget[] }>();
  let sequence = 0;
  let stopped = false;

  let waited: () => void = () => undefined;
  const deadline = new Promise<void>((resolve) => (waited = resolve));
  const deadlineTimer = timers.setTimeout(() => waited(), firstListWaitMs);

  function start(target: ClusterWatchTarget) {
    // A fresh feed id each time: a stopping watch's feed is closed after a restarted one opened.
    const id = `${targetKey(target)}#${++sequence}`;
    runs.set(targetKey(target), { id, run: watch(target, feeds.open(id, target.kind)) });
  }

  function reconcile() {
    if (stopped) return;
    const wanted = new Map<string, ClusterWatchTarget>(fixed.map((target) => [targetKey(target), target]));
    for (const { targets } of named.values()) {
      for (const target of targets) wanted.set(targetKey(target), target);
    }
    for (const [key, target] of wanted) if (!runs.has(key)) start(target);
    for (const [key, { id, run }] of runs) {
      if (wanted.has(key)) continue;
      runs.delete(key);
      const done = run.stop().then(() => {
        feeds.close(id);
        stopping.delete(done);
      });
      stopping.add(done);
    }
  }

  function entryOf(secret: SecretObject) {
    const known = named.get(secretKey(secret.metadata));
    const resourceVersion = secret.metadata.resourceVersion;
    // The template is parsed once per version, not again at each relist.
    if (known && resourceVersion !== undefined && known.resourceVersion === resourceVersion) return known;
    return { resourceVersion, targets: referencedSecrets(secret).map(nameTarget) };
  }

  reconcile();

  return {
    seen(secret) {
      named.set(secretKey(secret.metadata), entryOf(secret));
      reconcile();
    },
    seenAll(secrets) {
      const next = secrets.map((secret) => [secretKey(secret.metadata), entryOf(secret)] as const);
      named.clear();
      for (const [key, entry] of next) named.set(key, entry);
      reconcile();
    },
    forget(ref) {
      named.delete(secretKey(ref));
      reconcile();
    },
    async settled() {
      await Promise.race([Promise.all([...runs.values()].map(({ run }) => run.settled)), deadline]);
    },
    async stop() {
      stopped = true;
      timers.clearTimeout(deadlineTimer);
      waited();
      await Promise.all([...[...runs.values()].map(({ run }) => run.stop()), ...stopping]);
      runs.clear();
    },
  };
}

function nameTarget(ref: ClusterRef): ClusterWatchTarget {
  return {
    kind: 'Secret',
    resource: 'secrets',
    namespace: ref.namespace,
    fieldSelector: `metadata.name=${ref.name}`,
    what: `secret ${ref.namespace}/${ref.name}`,
    rbacResource: `secrets/${ref.name}`,
  };
}

function targetKey(target: ClusterWatchTarget): string {
  return `${target.kind}/${target.namespace ?? '*'}?${target.fieldSelector ?? ''}&${target.labelSelector ?? ''}`;
}
