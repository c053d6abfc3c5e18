import type { SecretObject } from '../../tokens/SecretObject.ts';
import type { SourceSink } from '../Source.ts';
import type { ListWatchSink } from './ListWatchSink.ts';
import type { SecretTap } from './SecretTap.ts';

/**
 * The token Secrets' list/watch sink: each change goes to the taps first, then to the store, so a store
 * event it causes (rendered, refused) finds the taps already knowing the Secret's new version.
 */
export function tapSink(sink: SourceSink, taps: readonly SecretTap[]): ListWatchSink<SecretObject> {
  return {
    replace(secrets) {
      for (const tap of taps) tap.seenAll(secrets);
      sink.replace(secrets);
    },
    upsert(secret) {
      for (const tap of taps) tap.seen(secret);
      sink.upsert(secret);
    },
    remove(secret) {
      for (const tap of taps) tap.forget(secret.metadata);
      sink.remove(secret.metadata);
    },
  };
}
