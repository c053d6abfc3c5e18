import { KindlingError } from '../errors/KindlingError.ts';
import type { SecretState } from './SecretState.ts';
import type { StoreObserver } from './StoreObserver.ts';

/** What a change of what a Secret serves tells the observer: a rendering failed, recovered, or was made. */
export function reportServed(
  observer: StoreObserver,
  key: string,
  previous: SecretState | undefined,
  next: SecretState | undefined,
): void {
  const served = next?.served;
  if (served instanceof KindlingError && served !== (previous?.served as unknown)) {
    observer.renderFailed?.(key, served);
  } else if (previous?.served instanceof KindlingError && served && !(served instanceof KindlingError)) {
    observer.secretAccepted?.(key, next?.good?.pool ?? '');
  }
  // Each template rendering, for the status written back on its Secret (a kept version is no new one).
  if (next?.good?.template && served && !(served instanceof KindlingError) && served !== previous?.served) {
    const perMachine = 'perMachine' in served;
    const hash = perMachine ? served.configHash : served.ignition.contentHash;
    observer.rendered?.(key, { configHash: `sha256:${hash}`, perMachine });
  }
}
