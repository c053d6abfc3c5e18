import { isJsonObject, type JsonValue } from '../payload/JsonValue.ts';

/**
 * JSON without whitespace, object keys sorted by UTF-16 code units at every level, arrays in order: equal
 * values give equal bytes however they were built, so the payload's hash and ETag only change with content.
 */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
