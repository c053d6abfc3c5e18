import type { JsonObject } from './JsonValue.ts';

/**
 * An Ignition config as plain JSON. Only `ignition.version` is typed: everything else is whatever the spec
 * named by that version allows, which validateIgnition checks and no static type could express for 7 specs.
 */
export interface IgnitionConfig extends JsonObject {
  ignition: IgnitionSection;
}

export interface IgnitionSection extends JsonObject {
  version: string;
}
