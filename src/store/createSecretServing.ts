import { KindlingError } from '../errors/KindlingError.ts';
import type { TemplateNeeds } from '../templates/templateNeeds.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { ClusterDataStore } from './createClusterData.ts';
import { createMachineRenderings } from './createMachineRenderings.ts';
import type { PayloadHolder } from './createPayloadHolder.ts';
import type { SecretState } from './SecretState.ts';
import { serveTokenSecret } from './serveTokenSecret.ts';
import type { ServedPayloads } from './ServedPayloads.ts';
import type { StoreObserver } from './StoreObserver.ts';

/** The machine a `machine-name` template is rendered for when it changes (any valid hostname would do). */
const PLACEHOLDER_MACHINE = 'kindling-placeholder';

export interface SecretServingOptions {
  cluster: Pick<ClusterDataStore, 'dataFor'>;
  held: PayloadHolder;
  machineRenderingsMax: number;
  observer: StoreObserver;
}

/**
 * What token Secrets serve: one rendering shared by every token, made when the Secret or its cluster data
 * changes; and for templates that name each machine, one per machine (createMachineRenderings).
 */
export function createSecretServing({ cluster, held, machineRenderingsMax, observer }: SecretServingOptions) {
  const renderings = createMachineRenderings({
    max: machineRenderingsMax,
    holder: held,
    onFailed: observer.machineRenderFailed,
  });

  return {
    /** When a Secret or the cluster data it reads changes. */
    shared(secret: TokenSecret, needs: TemplateNeeds | undefined): SecretState['served'] {
      if (!needs?.machineName) {
        return serveTokenSecret({ secret, needs, cluster, machine: undefined, intern: held.intern });
      }
      // Rendered for a placeholder and kept nowhere: unusable cluster data is reported when it changes, not
      // at each machine's first request.
      const probe = serveTokenSecret({
        secret,
        needs,
        cluster,
        machine: PLACEHOLDER_MACHINE,
        intern: (payload) => payload,
      });
      if (probe instanceof KindlingError) return probe;
      return { perMachine: true, configHash: probe.ignition.contentHash };
    },
    /** What a per-machine token of the Secret gets: the shared rendering, or one of its own. */
    forMachine(
      state: SecretState,
      secret: TokenSecret,
      machine: string,
    ): ServedPayloads | KindlingError | undefined {
      const { served, needs } = state;
      if (served === undefined || served instanceof KindlingError || !('perMachine' in served)) return served;
      return renderings.get(secret, machine, () =>
        serveTokenSecret({ secret, needs, cluster, machine, intern: held.intern }),
      );
    },
    /** The Secret (or what it serves) changed: its machines render again. */
    forget: renderings.forget,
  };
}
