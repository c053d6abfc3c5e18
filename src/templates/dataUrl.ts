/** Bytes a data URL may carry as they are; every other byte is %-escaped (isValidDataUrl's rules). */
const PLAIN = /^[!$&-;=?-Z_a-z~]$/;

/**
 * A `data:,` URL of UTF-8 text or bytes, %-escaped rather than base64 so that the text stays readable in a
 * rendered config (and in a diff of one).
 */
export function dataUrl(contents: string | Uint8Array): string {
  const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  const parts: string[] = ['data:,'];
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    parts.push(
      byte < 0x80 && PLAIN.test(character)
        ? character
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    );
  }
  return parts.join('');
}

/** The bytes of a data URL that isValidDataUrl accepted (base64 or %-escaped). */
export function decodeDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const data = url.slice(comma + 1);
  if (header.endsWith(';base64')) return Buffer.from(data, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === '%') {
      bytes.push(Number.parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(data.charCodeAt(i));
  }
  return Uint8Array.from(bytes);
}
