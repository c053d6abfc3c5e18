type Schema = Record<string, unknown>;

/**
 * An instance of a JSON schema that sets every property it defines (the first non-null type of unions,
 * one item per array), following local $refs and merging allOf. Used to prove the strict schemas accept
 * every key the official ones define.
 */
export function schemaInstance(schema: Schema, root: Schema = schema): unknown {
  if (typeof schema.$ref === 'string') return schemaInstance(resolve(schema.$ref, root), root);
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((branch) => schemaInstance(branch as Schema, root)));
  }
  const types = ([] as unknown[]).concat(schema.type ?? 'object').filter((t) => t !== 'null');
  const type = types.includes('object') ? 'object' : types[0];
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([key, child]) => [
          key,
          schemaInstance(child, root),
        ]),
      );
    case 'array':
      return [schemaInstance(schema.items as Schema, root)];
    case 'string':
      return 'x';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      throw new Error(`schemaInstance: unexpected type ${String(type)}`);
  }
}

/** Paths of every object in a JSON value, the root included. */
export function objectPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectPaths(item, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  return [path, ...Object.entries(value).flatMap(([key, child]) => objectPaths(child, [...path, key]))];
}

function resolve(ref: string, root: Schema): Schema {
  return ref
    .slice(2)
    .split('/')
    .reduce<Schema>((node, segment) => node[segment] as Schema, root);
}
