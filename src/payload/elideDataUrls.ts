import { randomBytes } from 'node:crypto';
import { isBase64Bytes } from './isBase64.ts';

/** Strings at least this long are elided (the body of a data: URL), in payloads at least `MIN_PAYLOAD`. */
const MIN_BODY = 4 * 1024;
const MIN_PAYLOAD = 64 * 1024;
const MAX_HEADER = 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const DATA = Buffer.from('data:');
const BASE64_MARK = Buffer.from(';base64,');
// Per process: a placeholder cannot be mistaken for a string a payload holds.
const NONCE = randomBytes(12);

/** A payload's bytes with the bodies of its large base64 data: URLs replaced by short ones. */
export interface ElidedPayload {
  /** The same JSON with each elided string's base64 body replaced by a short, unique, valid one. */
  compact: Buffer;
  /** The strings that stand for elided ones: equal originals share one. */
  placeholders: Set<string>;
}

/**
 * Finds the string literals of a JSON payload that are large base64 data: URLs (a payload's embedded
 * files) and gives the JSON again with their bodies cut to a few bytes; undefined when there is none, or
 * the payload is too small to gain.
 *
 * Why: decoding a 256 KiB payload to text and parsing it makes two strings of its size (the text, and the
 * URL inside it), each on newly mapped memory, which costs more than the parse on the VMs measured (a page
 * fault per 4 KiB). Only bodies whose validity is settled here are cut, and each is replaced by a valid
 * body under the same header, so every check of the config gives the same answer on either text.
 *
 * The scan assumes well-formed JSON; on malformed JSON the compact text is malformed too (a cut is made only
 * between two quotes around header and base64 characters), and the caller parses the original for its error.
 */
export function elideDataUrls(bytes: Buffer): ElidedPayload | undefined {
  // No base64 data: URL at all (one native search): nothing to cut, and no string-by-string scan to pay.
  if (bytes.length < MIN_PAYLOAD || !bytes.includes(BASE64_MARK)) return undefined;
  const cuts: { open: number; body: number; close: number }[] = [];
  let at = 0;
  // The next backslash, found again only once passed: one scan of the payload, however many strings it holds.
  let escape = bytes.indexOf(BACKSLASH);
  for (;;) {
    const open = bytes.indexOf(QUOTE, at);
    if (open === -1) break;
    let close = bytes.indexOf(QUOTE, open + 1);
    if (close === -1) break;
    if (escape !== -1 && escape < open) escape = bytes.indexOf(BACKSLASH, open + 1);
    if (escape !== -1 && escape < close) {
      close = closingQuote(bytes, escape);
      if (close === -1) break;
    } else if (close - open - 1 >= MIN_BODY) {
      const body = bodyOf(bytes, open + 1, close);
      if (body !== undefined) cuts.push({ open, body, close });
    }
    at = close + 1;
  }
  if (cuts.length === 0) return undefined;
  const parts: Uint8Array[] = [];
  const placeholders = new Set<string>();
  const fillers: { body: Buffer; filler: Buffer }[] = [];
  let copied = 0;
  for (const { open, body, close } of cuts) {
    const original = bytes.subarray(body, close);
    // Equal strings must stay equal (duplicate sources are a rule of their own), and different ones apart.
    let filler = fillers.find((known) => known.body.equals(original))?.filler;
    if (filler === undefined) {
      filler = Buffer.from(Buffer.concat([NONCE, uint24(fillers.length)]).toString('base64'));
      fillers.push({ body: original, filler });
    }
    parts.push(bytes.subarray(copied, body), filler);
    copied = close;
    placeholders.add(bytes.toString('utf8', open + 1, body) + filler.toString('latin1'));
  }
  parts.push(bytes.subarray(copied));
  return { compact: Buffer.concat(parts), placeholders };
}

/**
 * Where the base64 body of a `data:…;base64,` URL starts, when the string from `start` to `end` is one whose
 * body can be cut: a header with no quote (a quoted parameter may hold a comma) and a valid body.
 */
function bodyOf(bytes: Buffer, start: number, end: number): number | undefined {
  if (!bytes.subarray(start, start + DATA.length).equals(DATA)) return undefined;
  const comma = bytes.indexOf(COMMA, start);
  if (comma === -1 || comma >= end || comma - start > MAX_HEADER) return undefined;
  const header = bytes.subarray(start, comma + 1);
  if (header.includes(QUOTE) || !header.subarray(-BASE64_MARK.length).equals(BASE64_MARK)) return undefined;
  return isBase64Bytes(bytes, comma + 1, end) ? comma + 1 : undefined;
}

/** The quote that closes a string holding an escape at `escape`, or -1. */
function closingQuote(bytes: Buffer, escape: number): number {
  for (let i = escape; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

function uint24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
