import type { ErrorObject } from 'ajv-draft-04';
import type { IgnitionConfig } from './IgnitionConfig.ts';
import { formatJsonPath, pointerToJsonPath, type JsonPath } from './JsonPath.ts';
import type { JsonObject } from './JsonValue.ts';
import { getSchemaValidator } from './loadSchemas.ts';
import { payloadError } from './payloadError.ts';
import type { SpecVersion } from './SpecVersion.ts';
import { suggestKey } from './suggestKey.ts';

export interface SchemaProblem {
  rule: 'schema' | 'unknown-key';
  path: JsonPath;
  problem: string;
  /** What the config uses that the schema refuses, in words: `storage.luks`, `storage.raid[0] without level`. */
  usage: string;
}

/**
 * Checks a config against the strict schema of `version` (official schema + unknown keys rejected). Throws
 * ERR_PAYLOAD_INVALID with rule `unknown-key` or `schema` for the first problem found.
 */
export function checkSchema(config: JsonObject, version: SpecVersion): asserts config is IgnitionConfig {
  const found = findSchemaProblem(config, version);
  if (found !== undefined) throw payloadError(found.rule, found.path, found.problem);
}

/** The first thing the strict schema of `version` refuses in a config, or undefined when it accepts it. */
export function findSchemaProblem(config: JsonObject, version: SpecVersion): SchemaProblem | undefined {
  const validate = getSchemaValidator(version);
  if (validate(config)) return undefined;
  const error = validate.errors?.[0];
  if (error === undefined) {
    return { rule: 'schema', path: [], problem: `does not match spec ${version}`, usage: 'the config' };
  }
  return describeSchemaError(error, config, version);
}

function describeSchemaError(error: ErrorObject, config: JsonObject, version: SpecVersion): SchemaProblem {
  const path = pointerToJsonPath(error.instancePath, config);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const suggestion = suggestKey(key, known);
      const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
      const keyPath = [...path, key];
      const problem = `unknown key, not part of Ignition spec ${version}${hint}`;
      return { rule: 'unknown-key', path: keyPath, problem, usage: formatJsonPath(keyPath) };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const usage = `${formatJsonPath(path) || 'the config'} without ${key}`;
      return { rule: 'schema', path: [...path, key], problem: 'required key is missing', usage };
    }
    case 'type': {
      const expected = String(params.type).split(',').join(' or ');
      const actual = jsonTypeOf(error.data);
      return {
        rule: 'schema',
        path,
        problem: `must be ${expected}, not ${actual}`,
        usage: `${formatJsonPath(path)} as ${actual}`,
      };
    }
    default: {
      const problem = error.message ?? `fails the ${error.keyword} rule of spec ${version}`;
      return { rule: 'schema', path, problem, usage: formatJsonPath(path) };
    }
  }
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a fractional number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
