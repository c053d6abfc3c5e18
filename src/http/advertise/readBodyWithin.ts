export type LimitedBody = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large' };

/**
 * The request body, or `too-large` as soon as it passes `maxBytes`: a declared Content-Length over the
 * limit is refused before a byte is read, and a chunked body is cut off where it passes the limit, so a
 * machine can never make the server buffer more than `maxBytes`.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<LimitedBody> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return { kind: 'too-large' };
  if (request.body === null) return { kind: 'ok', bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { kind: 'ok', bytes: Buffer.concat(chunks) };
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { kind: 'too-large' };
    }
    chunks.push(value);
  }
}
