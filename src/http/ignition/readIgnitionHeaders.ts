/** The request headers an /ignition or /cloud-config answer depends on, and what the access record keeps. */
export interface IgnitionHeaders {
  authorization: string | undefined;
  accept: string | undefined;
  acceptEncoding: string | undefined;
  ifNoneMatch: string | undefined;
  userAgent: string | undefined;
}

type Field = keyof IgnitionHeaders;

// By length, then name: most clients send the traditional casing or lower case, compared without lowering.
function fieldOf(name: string): Field | undefined {
  switch (name.length) {
    case 6:
      return name === 'Accept' || name === 'accept' || name.toLowerCase() === 'accept' ? 'accept' : undefined;
    case 10:
      return name === 'User-Agent' || name === 'user-agent' || name.toLowerCase() === 'user-agent'
        ? 'userAgent'
        : undefined;
    case 13:
      if (name === 'Authorization' || name === 'authorization') return 'authorization';
      if (name === 'If-None-Match' || name === 'if-none-match') return 'ifNoneMatch';
      switch (name.toLowerCase()) {
        case 'authorization':
          return 'authorization';
        case 'if-none-match':
          return 'ifNoneMatch';
        default:
          return undefined;
      }
    case 15:
      return name === 'Accept-Encoding' ||
        name === 'accept-encoding' ||
        name.toLowerCase() === 'accept-encoding'
        ? 'acceptEncoding'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Reads those headers from `rawHeaders`, as node:http's `req.headers` would give them: the first
 * Authorization and User-Agent, and Accept, Accept-Encoding and If-None-Match joined with ", " when repeated.
 * `req.headers` is an object node:http builds on first access from every header the client sent, which on
 * the boot-storm path cost more than these five comparisons per header.
 */
export function readIgnitionHeaders(rawHeaders: readonly string[]): IgnitionHeaders {
  const headers: IgnitionHeaders = {
    authorization: undefined,
    accept: undefined,
    acceptEncoding: undefined,
    ifNoneMatch: undefined,
    userAgent: undefined,
  };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const field = fieldOf(rawHeaders[i] as string);
    if (field === undefined) continue;
    const value = rawHeaders[i + 1] as string;
    const seen = headers[field];
    if (seen === undefined) headers[field] = value;
    else if (field !== 'authorization' && field !== 'userAgent') headers[field] = `${seen}, ${value}`;
  }
  return headers;
}
