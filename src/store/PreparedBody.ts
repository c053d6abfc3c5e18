import type { SpecVersion } from '../payload/SpecVersion.ts';

/** One encoding of a body with the headers of its 200 and its 304, ready to hand to the socket. */
export interface Representation {
  body: Buffer;
  /** Strong ETag: each representation has its own, since gzip bytes differ from identity bytes. */
  etag: string;
  headers: Readonly<Record<string, string>>;
  notModifiedHeaders: Readonly<Record<string, string>>;
}

/** Everything a 200 needs, computed once per payload and spec version: a request only writes these bytes. */
export interface PreparedBody {
  version: SpecVersion;
  identity: Representation;
  gzip: Representation;
}
