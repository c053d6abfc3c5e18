// Test-only: protocol buffers' wire format, written by hand, to build the pages the decoders read.

export type Field =
  | { n: number; varint: number }
  | { n: number; bytes: Uint8Array | string | Field[] }
  | { n: number; fixed32: true }
  | { n: number; raw: number[] };

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

export function encode(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const field of fields) {
    if ('varint' in field) out.push(...varint((field.n << 3) | 0), ...varint(field.varint));
    else if ('fixed32' in field) out.push(...varint((field.n << 3) | 5), 1, 2, 3, 4);
    else if ('raw' in field) out.push(...field.raw);
    else {
      const body =
        typeof field.bytes === 'string'
          ? new TextEncoder().encode(field.bytes)
          : field.bytes instanceof Uint8Array
            ? field.bytes
            : encode(field.bytes);
      out.push(...varint((field.n << 3) | 2), ...varint(body.length), ...body);
    }
  }
  return Uint8Array.from(out);
}

/** A map entry: key as field 1, value as field 2 (left out when empty, as proto3 does). */
export const entry = (n: number, key: string, value: string | Uint8Array): Field => ({
  n,
  bytes: [{ n: 1, bytes: key }, ...(value.length > 0 ? [{ n: 2, bytes: value }] : [])],
});

/** "k8s\0" and a runtime.Unknown holding `object` as `kind`. */
export function envelope(kind: string, object: Field[], extra: Field[] = []): Uint8Array {
  const unknown = encode([
    {
      n: 1,
      bytes: [
        { n: 1, bytes: 'v1' },
        { n: 2, bytes: kind },
      ],
    },
    { n: 2, bytes: encode(object) },
    ...extra,
  ]);
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown]);
}
