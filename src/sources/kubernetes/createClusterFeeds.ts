import { clusterKey, type ClusterObject } from '../ClusterObject.ts';
import type { ClusterSink } from '../Source.ts';
import type { ListWatchSink } from './ListWatchSink.ts';

export interface ClusterFeeds {
  /** The sink of one watch of `kind`. */
  open(id: string, kind: ClusterObject['kind']): ListWatchSink<ClusterObject>;
  /** The watch stopped: what only it delivered is gone. */
  close(id: string): void;
}

interface Feed {
  kind: ClusterObject['kind'];
  objects: Map<string, ClusterObject>;
}

const keyOf = (object: ClusterObject) =>
  clusterKey({
    kind: object.kind,
    namespace: object.metadata.namespace ?? 'default',
    name: object.metadata.name,
  });

/**
 * Several watches feed one kind (the bootstrap-token Secrets, and each Secret a template names), while
 * `ClusterSink.replace(kind)` means "every object of that kind": a relist of one watch is passed on as the
 * union of what every watch of its kind holds, so it never drops another watch's objects.
 */
export function createClusterFeeds(sink: ClusterSink): ClusterFeeds {
  const feeds = new Map<string, Feed>();

  function replaceKind(kind: ClusterObject['kind']) {
    const union = new Map<string, ClusterObject>();
    for (const feed of feeds.values()) {
      if (feed.kind !== kind) continue;
      for (const [key, object] of feed.objects) union.set(key, object);
    }
    sink.replace(kind, [...union.values()]);
  }

  const heldElsewhere = (self: Feed, key: string) =>
    [...feeds.values()].some((feed) => feed !== self && feed.objects.has(key));

  return {
    open(id, kind) {
      const feed: Feed = { kind, objects: new Map() };
      feeds.set(id, feed);
      return {
        replace(items) {
          feed.objects = new Map(items.map((object) => [keyOf(object), object]));
          replaceKind(kind);
        },
        upsert(object) {
          feed.objects.set(keyOf(object), object);
          sink.upsert(object);
        },
        remove(object) {
          const key = keyOf(object);
          feed.objects.delete(key);
          if (heldElsewhere(feed, key)) return;
          sink.remove({
            kind,
            namespace: object.metadata.namespace ?? 'default',
            name: object.metadata.name,
          });
        },
      };
    },
    close(id) {
      const feed = feeds.get(id);
      if (!feed) return;
      feeds.delete(id);
      if (feed.objects.size > 0) replaceKind(feed.kind);
    },
  };
}
