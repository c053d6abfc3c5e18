import { checkResource } from './checkResource.ts';
import { checkStorageNodes } from './checkStorageNodes.ts';
import { checkSystemd } from './checkSystemd.ts';
import { checkUniqueKeys } from './checkUniqueKeys.ts';
import type { ConfigShape } from './ConfigShape.ts';
import type { IgnitionConfig } from './IgnitionConfig.ts';
import { listResources } from './listResources.ts';
import type { SpecVersion } from './SpecVersion.ts';

/**
 * The rules Ignition's own validator enforces beyond its JSON schema. Throws ERR_PAYLOAD_INVALID (rule
 * `semantic`) for the first broken one. Only meaningful on a config that passed checkSchema for `version`.
 */
export function checkSemantics(config: IgnitionConfig, version: SpecVersion): void {
  // Sound because the strict schema of `version` has already accepted the config.
  const shape = config as unknown as ConfigShape;
  for (const located of listResources(shape)) checkResource(located, version);
  checkStorageNodes(shape);
  checkSystemd(shape);
  checkUniqueKeys(shape);
}
