import type { ProtoReader } from './ProtoReader.ts';

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * One entry of a protobuf map field: a message with the key as field 1 and the value as field 2, both
 * length-delimited here (string or bytes). `value` turns the value's bytes (a view) into what is kept.
 */
export function readMapEntry<V>(reader: ProtoReader, value: (view: Uint8Array) => V): [string, V] {
  const entry = reader.message();
  // proto3 leaves an empty key or value out of the entry.
  let key = '';
  let view = EMPTY;
  for (let field; (field = entry.nextBytesField()) !== undefined;) {
    if (field === 1) key = entry.string();
    else if (field === 2) view = entry.view();
    else entry.range();
  }
  return [key, value(view)];
}
