import type { KindlingError } from '../errors/KindlingError.ts';
import type { TemplateNeeds } from '../templates/templateNeeds.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { RenderedPerMachine, ServedPayloads } from './ServedPayloads.ts';

/** What the store holds for one token Secret. */
export interface SecretState {
  /** The last version that passed every rule; kept while a newer version is refused. */
  good: TokenSecret | undefined;
  /** What `good` serves: its payload, or its template's rendering (or why that failed). */
  served: ServedPayloads | RenderedPerMachine | KindlingError | undefined;
  needs: TemplateNeeds | undefined;
  refused: KindlingError | undefined;
  /** The resourceVersion that was refused: seen again (a relist, a rescan), it is not reported again. */
  refusedVersion?: string | undefined;
  refusedHashes: readonly string[];
  /** The pool a refused Secret names, for a Secret that never passed (see createPoolIndex). */
  refusedPool: string | undefined;
}
