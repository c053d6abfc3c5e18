/** Protocol buffers' wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message that does not follow the wire format: what an API server page must never hold. */
export class ProtoError extends Error {
  override readonly name = 'ProtoError';
}

/** A string field's text; protobuf strings must be UTF-8. */
export function utf8String(view: Uint8Array): string {
  try {
    return utf8.decode(view);
  } catch (error) {
    throw new ProtoError('a string field is not UTF-8', { cause: error });
  }
}

/**
 * Reads protocol buffers' wire format over a byte range, bounds-checked, with no schema and no copy: the
 * decoders of the few Kubernetes messages kindling reads walk their fields with it and skip the rest.
 */
export class ProtoReader {
  readonly #bytes: Uint8Array;
  #at: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#at = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#at >= this.#end;
  }

  /** The next field's key: its number is `key >>> 3`, its wire type `key & 7`. */
  key(): number {
    const key = this.varint();
    if (key >>> 3 === 0) throw new ProtoError(`field number 0 at byte ${this.#at}`);
    return key;
  }

  /**
   * The number of the next length-delimited field (the wire type of every string, bytes, message and map
   * field), stepping over fields of other wire types; undefined at the end. Skip one not read with `range()`.
   */
  nextBytesField(): number | undefined {
    while (!this.done) {
      const key = this.key();
      if ((key & 7) === WIRE.bytes) return key >>> 3;
      this.skip(key);
    }
    return undefined;
  }

  /** An unsigned varint, exact up to 2^53 (lengths, counts and tags; larger values are only skipped). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#at >= this.#end) throw new ProtoError('a varint runs past the end');
      const byte = this.#bytes[this.#at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new ProtoError('a varint longer than 10 bytes');
  }

  /** The range of a length-delimited field, which the reader then steps over. */
  range(): [start: number, end: number] {
    const length = this.varint();
    const start = this.#at;
    if (length > this.#end - start) throw new ProtoError(`a field of ${length} bytes runs past the end`);
    this.#at = start + length;
    return [start, start + length];
  }

  /** An embedded message. */
  message(): ProtoReader {
    const [start, end] = this.range();
    return new ProtoReader(this.#bytes, start, end);
  }

  /** A length-delimited field as a view on the same bytes (copy it to keep it beyond the page). */
  view(): Uint8Array {
    const [start, end] = this.range();
    return this.#bytes.subarray(start, end);
  }

  string(): string {
    return utf8String(this.view());
  }

  /** Steps over a field this decoder does not read. */
  skip(key: number): void {
    switch (key & 7) {
      case WIRE.varint:
        this.varint();
        return;
      case WIRE.fixed64:
        this.#advance(8);
        return;
      case WIRE.bytes:
        this.range();
        return;
      case WIRE.fixed32:
        this.#advance(4);
        return;
      default:
        throw new ProtoError(`wire type ${key & 7} of field ${key >>> 3} is not supported`);
    }
  }

  #advance(count: number): void {
    if (count > this.#end - this.#at) throw new ProtoError('a fixed-size field runs past the end');
    this.#at += count;
  }
}
