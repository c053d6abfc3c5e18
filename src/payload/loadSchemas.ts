import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv-draft-04';
import type { SpecVersion } from './SpecVersion.ts';
import { strictenSchema } from './strictenSchema.ts';

/**
 * The official schemas, read relative to this module so the same code works from src/ and from a dist/
 * build (the build must copy src/payload/schemas/ next to the compiled file).
 */
const SCHEMA_FILES: Readonly<Record<SpecVersion, URL>> = {
  '3.0.0': new URL('./schemas/v3.0.json', import.meta.url),
  '3.1.0': new URL('./schemas/v3.1.json', import.meta.url),
  '3.2.0': new URL('./schemas/v3.2.json', import.meta.url),
  '3.3.0': new URL('./schemas/v3.3.json', import.meta.url),
  '3.4.0': new URL('./schemas/v3.4.json', import.meta.url),
  '3.5.0': new URL('./schemas/v3.5.json', import.meta.url),
  '3.6.0': new URL('./schemas/v3.6.json', import.meta.url),
};

let compiler: AjvDraft04.default | undefined;
const validators = new Map<SpecVersion, ValidateFunction>();

/** The upstream schema of a spec, as published (no unknown-key rejection). */
export function readIgnitionSchema(version: SpecVersion): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_FILES[version], 'utf8')) as Record<string, unknown>;
}

/**
 * The validator of a spec's strict schema (see strictenSchema). Compiled on first use and kept for the life
 * of the process: compiling costs milliseconds, validating microseconds.
 */
export function getSchemaValidator(version: SpecVersion): ValidateFunction {
  let validate = validators.get(version);
  if (validate === undefined) {
    // `.default` is the class both at run time (the CommonJS export sets it) and for TypeScript's nodenext view.
    compiler ??= new AjvDraft04.default({
      allErrors: false,
      // parentSchema in errors lets an unknown-key message suggest the key that was probably meant.
      verbose: true,
      // The upstream schemas use union types (["string", "null"]), which strict mode would report.
      strictTypes: false,
      logger: false,
    });
    validate = compiler.compile(strictenSchema(readIgnitionSchema(version)));
    validators.set(version, validate);
  }
  return validate;
}
