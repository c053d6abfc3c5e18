type Schema = Record<string, unknown>;

/** Keywords an object schema inside an `allOf` may carry and still be merged into one object schema. */
const MERGEABLE_KEYWORDS = new Set(['type', 'properties', 'required']);
/** Keywords the walk would have to understand to stay correct; the upstream schemas use none of them. */
const UNSUPPORTED_KEYWORDS = [
  'anyOf',
  'oneOf',
  'not',
  'patternProperties',
  'dependencies',
  'additionalItems',
];

/**
 * Returns a copy of an upstream Ignition schema that rejects unknown keys: every object schema that lists
 * `properties` gets `additionalProperties: false`. The upstream schemas omit it, so a misspelt key would
 * otherwise be silently ignored by Ignition ("Unused key") and the machine booted without it.
 *
 * `additionalProperties` only sees the `properties` next to it, so the `allOf: [{$ref: node}, {...}]`
 * compositions (files, directories, links) are first merged into a single object schema; otherwise each
 * branch would reject the other's keys. Anything the walk does not understand throws, at load time, rather
 * than produce a schema that might refuse a valid config.
 */
export function strictenSchema(upstream: Schema): Schema {
  const copy = structuredClone(upstream);
  visit(copy, upstream, '#');
  return copy;
}

function visit(schema: Schema, root: Schema, at: string): void {
  for (const keyword of UNSUPPORTED_KEYWORDS) {
    if (keyword in schema) throw new Error(`strictenSchema: unsupported keyword ${keyword} at ${at}`);
  }
  if ('allOf' in schema) mergeAllOf(schema, root, at);
  if (isSchema(schema.properties)) {
    schema.additionalProperties ??= false;
    for (const [key, child] of Object.entries(schema.properties))
      visitChild(child, root, `${at}/properties/${key}`);
  }
  for (const [key, child] of Object.entries(asSchemaMap(schema.definitions))) {
    visitChild(child, root, `${at}/definitions/${key}`);
  }
  if (Array.isArray(schema.items))
    schema.items.forEach((child, i) => visitChild(child, root, `${at}/items/${i}`));
  else if (schema.items !== undefined) visitChild(schema.items, root, `${at}/items`);
  if (isSchema(schema.additionalProperties))
    visitChild(schema.additionalProperties, root, `${at}/additionalProperties`);
}

function visitChild(child: unknown, root: Schema, at: string): void {
  if (!isSchema(child)) throw new Error(`strictenSchema: expected a schema object at ${at}`);
  visit(child, root, at);
}

/** Replaces `allOf` (of `$ref`s and inline object schemas) by the one object schema it amounts to. */
function mergeAllOf(schema: Schema, root: Schema, at: string): void {
  const { allOf, ...rest } = schema;
  if (!Array.isArray(allOf) || Object.keys(rest).some((k) => k !== 'description')) {
    throw new Error(`strictenSchema: cannot merge the allOf at ${at}`);
  }
  const properties: Schema = {};
  const required = new Set<string>();
  allOf.forEach((entry, i) => {
    const branch = resolveRef(entry, root, `${at}/allOf/${i}`);
    const unknown = Object.keys(branch).find((k) => !MERGEABLE_KEYWORDS.has(k));
    if (unknown !== undefined || (branch.type !== undefined && branch.type !== 'object')) {
      throw new Error(`strictenSchema: allOf branch ${at}/allOf/${i} is not a plain object schema`);
    }
    for (const [key, child] of Object.entries(asSchemaMap(branch.properties))) {
      if (key in properties) throw new Error(`strictenSchema: ${key} defined twice in the allOf at ${at}`);
      properties[key] = structuredClone(child);
    }
    if (Array.isArray(branch.required)) for (const key of branch.required) required.add(String(key));
  });
  delete schema.allOf;
  schema.type = 'object';
  schema.properties = properties;
  if (required.size > 0) schema.required = [...required];
}

/** Follows a local `$ref` in the pristine upstream schema, so the result never carries our own edits. */
function resolveRef(entry: unknown, root: Schema, at: string): Schema {
  if (!isSchema(entry)) throw new Error(`strictenSchema: expected a schema object at ${at}`);
  const ref = entry.$ref;
  if (ref === undefined) return entry;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || Object.keys(entry).length !== 1) {
    throw new Error(`strictenSchema: unsupported $ref at ${at}`);
  }
  let target: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    target = isSchema(target) ? target[segment.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  if (!isSchema(target)) throw new Error(`strictenSchema: dangling $ref ${ref} at ${at}`);
  return target;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSchemaMap(value: unknown): Schema {
  return isSchema(value) ? value : {};
}
