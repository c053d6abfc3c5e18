import type { SourceSink } from '../Source.ts';
import { toSecretObject } from './toSecretObject.ts';

/** Applies one watch event to the sink; false for what is not a change of a Secret (unknown type, no name). */
export function applyWatchEvent(sink: SourceSink, type: string, object: unknown): boolean {
  if (type === 'BOOKMARK') return true;
  const secret = toSecretObject(object);
  if (!secret) return false;
  if (type === 'ADDED' || type === 'MODIFIED') sink.upsert(secret);
  else if (type === 'DELETED') sink.remove(secret.metadata);
  else return false;
  return true;
}
