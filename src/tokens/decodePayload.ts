import { gunzipSync } from 'node:zlib';
import { KindlingError } from '../errors/KindlingError.ts';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * The payload bytes of a Secret, decompressed when they are gzip. The limit applies to what is stored and to
 * what decompression produces, so a small gzip bomb is stopped at the limit instead of filling memory.
 */
export function decodePayload(
  raw: Buffer,
  { maxBytes, field = 'payload' }: { maxBytes: number; field?: string },
): Buffer {
  if (raw.length > maxBytes) {
    throw new KindlingError(
      'ERR_SECRET_INVALID',
      `${field} is ${raw.length} bytes, over the limit of ${maxBytes}`,
      {
        rule: 'too-large',
        path: field,
      },
    );
  }
  if (raw[0] !== GZIP_MAGIC_0 || raw[1] !== GZIP_MAGIC_1) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new KindlingError(
        'ERR_SECRET_INVALID',
        `gzip ${field} expands beyond the limit of ${maxBytes} bytes (${raw.length} bytes compressed)`,
        { rule: 'gzip-bomb', path: 'payload' },
      );
    }
    throw new KindlingError('ERR_SECRET_INVALID', `${field} looks like gzip but does not decompress`, {
      rule: 'bad-gzip',
      path: field,
      cause: error,
    });
  }
}
