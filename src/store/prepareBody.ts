import { createHash } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import { withHeaderList } from '../http/HttpAnswer.ts';
import type { PayloadFormat } from '../tokens/TokenSecret.ts';
import type { PreparedBody, Representation } from './PreparedBody.ts';

const COMMON = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Both negotiate the body: a cache must not hand a gzip body or a converted spec to another client.
  Vary: 'Accept, Accept-Encoding',
};

function represent(body: Buffer, etag: string, contentType: string, encoding?: 'gzip'): Representation {
  const notModifiedHeaders = { ...COMMON, ETag: etag };
  const headers: Record<string, string> = {
    ...notModifiedHeaders,
    'Content-Type': contentType,
    'Content-Length': String(body.length),
  };
  if (encoding) headers['Content-Encoding'] = encoding;
  return {
    etag,
    ok: withHeaderList({ status: 200, headers, body }),
    notModified: withHeaderList({ status: 304, headers: notModifiedHeaders, body: null }),
  };
}

/** zlib's best level: paid once per change, saved on every download of a boot storm. */
export const GZIP_OPTIONS = { level: constants.Z_BEST_COMPRESSION };

export function prepareBody(
  identity: Buffer,
  {
    format,
    version,
    gzip = gzipSync(identity, GZIP_OPTIONS),
    sha256,
  }: {
    format: PayloadFormat;
    version: SpecVersion | undefined;
    /** null: not compressed yet, so gzip clients are answered with identity until it is. */
    gzip?: Buffer | null;
    /** The identity bytes' SHA-256 (hex) when already known (a stored payload's content hash). */
    sha256?: string;
  },
): PreparedBody {
  const contentType =
    format === 'ignition'
      ? `application/vnd.coreos.ignition+json;version=${version}`
      : 'text/cloud-config; charset=utf-8';
  const digest =
    sha256 === undefined
      ? createHash('sha256').update(identity).digest('base64url')
      : Buffer.from(sha256, 'hex').toString('base64url');
  const plain = represent(identity, `"${digest}"`, contentType);
  return {
    version,
    identity: plain,
    gzip: gzip === null ? plain : represent(gzip, `"${digest}-gzip"`, contentType, 'gzip'),
  };
}
