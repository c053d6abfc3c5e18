import { LRUCache } from 'lru-cache';
import { KindlingError } from '../errors/KindlingError.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { PayloadHolder } from './createPayloadHolder.ts';
import { payloadsOf, type ServedPayloads } from './ServedPayloads.ts';

type Rendering = ServedPayloads | KindlingError;

export interface MachineRenderingsOptions {
  /** Renderings kept at once; the least recently served are dropped and rendered again when asked. */
  max: number;
  /** Where payloads live: identical renderings share bytes, and derived bytes are freed with the last. */
  holder: Pick<PayloadHolder, 'retain' | 'release'>;
  onFailed?: ((key: string, machine: string, error: KindlingError) => void) | undefined;
}

/**
 * Renderings of `machine-name` templates, one per machine, made on that machine's first request (a
 * template cannot be rendered ahead for machines nobody has named yet) and kept in a bounded LRU. A failed
 * rendering is kept too: the template rendered for a placeholder machine, so only this machine's name can
 * be at fault, and rendering it again at every retry would change nothing. `forget` drops a Secret's
 * renderings when it or its cluster data changes.
 */
export function createMachineRenderings({ max, holder, onFailed }: MachineRenderingsOptions) {
  const cache = new LRUCache<string, Rendering>({
    max,
    dispose: (rendering) => {
      for (const payload of payloadsOf(rendering)) holder.release(payload);
    },
  });

  return {
    get(secret: TokenSecret, machine: string, render: () => Rendering): Rendering {
      const key = `${secret.key}/${secret.resourceVersion ?? ''}/${machine}`;
      let rendering = cache.get(key);
      if (rendering !== undefined) return rendering;
      rendering = render();
      if (rendering instanceof KindlingError) onFailed?.(secret.key, machine, rendering);
      for (const payload of payloadsOf(rendering)) holder.retain(payload);
      cache.set(key, rendering);
      return rendering;
    },
    forget(key: string) {
      const prefix = `${key}/`;
      for (const cached of [...cache.keys()]) if (cached.startsWith(prefix)) cache.delete(cached);
    },
    get size() {
      return cache.size;
    },
  };
}

export type MachineRenderings = ReturnType<typeof createMachineRenderings>;
