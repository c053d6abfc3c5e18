import { memoizeHeader } from './memoizeHeader.ts';

function parse(header: string): boolean {
  let gzip: number | undefined;
  let any: number | undefined;
  for (const item of header.split(',')) {
    const [coding = '', ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (coding === 'gzip' || coding === 'x-gzip') gzip = q;
    else if (coding === '*') any = q;
  }
  const q = gzip ?? any ?? 0;
  return q > 0;
}

const parsed = memoizeHeader(parse);

/** Whether the client takes a gzip body (RFC 9110 §12.5.3; an explicit `gzip;q=0` wins over `*`). */
export function acceptsGzip(header: string | undefined): boolean {
  return header !== undefined && header !== '' && parsed(header);
}
