import type { HttpAnswer } from '../http/HttpAnswer.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';

/** One encoding of a body, with its 200 and 304 answers ready to hand to the socket. */
export interface Representation {
  /** Strong ETag: each representation has its own, since gzip bytes differ from identity bytes. */
  etag: string;
  ok: HttpAnswer;
  notModified: HttpAnswer;
}

/** Everything a 200 needs, computed once per payload and spec version: a request only writes these bytes. */
export interface PreparedBody {
  version: SpecVersion | undefined;
  identity: Representation;
  gzip: Representation;
}
