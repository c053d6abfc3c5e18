import type { ListWatchSink } from './ListWatchSink.ts';

/** Applies one watch event to the sink; false for what is not a change of an object (unknown type, no name). */
export function applyWatchEvent<T>(
  sink: ListWatchSink<T>,
  type: string,
  object: unknown,
  toObject: (object: unknown) => T | undefined,
): boolean {
  if (type === 'BOOKMARK') return true;
  const item = toObject(object);
  if (!item) return false;
  if (type === 'ADDED' || type === 'MODIFIED') sink.upsert(item);
  else if (type === 'DELETED') sink.remove(item);
  else return false;
  return true;
}
