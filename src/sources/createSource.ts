import type { ServeConfig } from '../config/ServeConfig.ts';
import { KindlingError } from '../errors/KindlingError.ts';
import { createDirectorySource } from './directory/createDirectorySource.ts';
import type { Source } from './Source.ts';
import type { SourceObserver } from './SourceObserver.ts';

/** The source `--source` names. */
export function createSource(config: ServeConfig, { observer }: { observer: SourceObserver }): Source {
  if (config.source.kind === 'dir') {
    return createDirectorySource({ path: config.source.path, selector: config.selector, observer });
  }
  throw new KindlingError('ERR_CONFIG_INVALID', 'the kubernetes source is not available yet', {
    path: 'source',
  });
}
