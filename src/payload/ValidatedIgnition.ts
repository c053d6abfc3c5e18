import type { IgnitionConfig } from './IgnitionConfig.ts';
import type { SpecVersion } from './SpecVersion.ts';

/** A config that passed every check of the spec it declares. */
export interface ValidatedIgnition {
  version: SpecVersion;
  config: IgnitionConfig;
}
