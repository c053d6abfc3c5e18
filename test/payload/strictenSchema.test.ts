import { describe, expect, it } from 'vitest';
import { findSchemaProblem } from '../../src/payload/checkSchema.ts';
import { formatJsonPath } from '../../src/payload/JsonPath.ts';
import type { JsonObject } from '../../src/payload/JsonValue.ts';
import { readIgnitionSchema } from '../../src/payload/loadSchemas.ts';
import { SPEC_VERSIONS } from '../../src/payload/SpecVersion.ts';
import { strictenSchema } from '../../src/payload/strictenSchema.ts';
import { objectPaths, schemaInstance } from './schemaInstance.ts';

describe.each(SPEC_VERSIONS)('the strict schema of spec %s', (version) => {
  const upstream = readIgnitionSchema(version);
  const everything = () => ({
    ...(schemaInstance(upstream) as JsonObject),
    ignition: { ...(schemaInstance(upstream) as { ignition: JsonObject }).ignition, version },
  });

  it('accepts an instance that sets every key the official schema defines', () => {
    const instance = everything();
    expect(objectPaths(instance).length).toBeGreaterThan(30);
    expect(findSchemaProblem(instance, version)).toBeUndefined();
  });

  it('refuses an unknown key in every object of that instance', () => {
    const paths = objectPaths(everything());
    for (const path of paths) {
      const instance = everything();
      const target = path.reduce<Record<string | number, unknown>>(
        (node, key) => node[key] as Record<string, unknown>,
        instance,
      );
      target.kindlingBogus = 1;
      expect(findSchemaProblem(instance, version)).toMatchObject({
        rule: 'unknown-key',
        path: [...path, 'kindlingBogus'],
        usage: formatJsonPath([...path, 'kindlingBogus']),
      });
    }
  });
});

describe('strictenSchema', () => {
  it('leaves the upstream schema untouched', () => {
    const upstream = readIgnitionSchema('3.4.0');
    const before = JSON.stringify(upstream);
    const strict = strictenSchema(upstream);
    expect(JSON.stringify(upstream)).toBe(before);
    expect(strict.additionalProperties).toBe(false);
  });

  it('merges allOf compositions into one object schema', () => {
    const strict = strictenSchema({
      definitions: {
        base: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        file: {
          allOf: [
            { $ref: '#/definitions/base' },
            { type: 'object', properties: { mode: { type: 'integer' } } },
          ],
        },
      },
      properties: { file: { $ref: '#/definitions/file' } },
    });
    const file = (strict.definitions as Record<string, Record<string, unknown>>).file;
    expect(file).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' }, mode: { type: 'integer' } },
      required: ['path'],
      additionalProperties: false,
    });
    expect(file?.allOf).toBeUndefined();
    expect(strict.additionalProperties).toBe(false);
  });

  it.each([
    ['anyOf', { anyOf: [{ type: 'string' }] }],
    [
      'a key defined in two allOf branches',
      { allOf: [{ properties: { a: {} } }, { properties: { a: {} } }] },
    ],
    ['an allOf branch with other keywords', { allOf: [{ properties: { a: {} }, minProperties: 1 }] }],
    ['a dangling $ref', { allOf: [{ $ref: '#/definitions/nowhere' }] }],
  ])('refuses, rather than guess, a schema with %s', (_name, schema) => {
    expect(() => strictenSchema(schema)).toThrow(/strictenSchema/);
  });
});
