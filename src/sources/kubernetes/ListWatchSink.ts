/**
 * Where one list/watch delivers: the token Secrets' sink, or one feed of cluster data. The supervisor knows
 * nothing of what the objects are.
 */
export interface ListWatchSink<T> {
  /** The complete set the watch selects (first list, relist): what is not in it is gone. */
  replace(items: readonly T[]): void;
  upsert(item: T): void;
  /** The object's last state, as a DELETED event carries it. */
  remove(item: T): void;
}
