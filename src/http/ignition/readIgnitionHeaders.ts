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
 * node:http builds `req.headers` for its own Host and Expect checks, but its shape follows each client's set
 * of headers, so reading from it is a megamorphic lookup per name; this pass only compares strings.
 */
export function readIgnitionHeaders(rawHeaders: readonly string[]): IgnitionHeaders {
  // Locals, not stores by computed key into one object: a boot storm's hot loop stays monomorphic.
  let authorization: string | undefined;
  let accept: string | undefined;
  let acceptEncoding: string | undefined;
  let ifNoneMatch: string | undefined;
  let userAgent: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const value = rawHeaders[i + 1] as string;
    switch (fieldOf(rawHeaders[i] as string)) {
      case 'authorization':
        authorization ??= value;
        break;
      case 'userAgent':
        userAgent ??= value;
        break;
      case 'accept':
        accept = joined(accept, value);
        break;
      case 'acceptEncoding':
        acceptEncoding = joined(acceptEncoding, value);
        break;
      case 'ifNoneMatch':
        ifNoneMatch = joined(ifNoneMatch, value);
        break;
    }
  }
  return { authorization, accept, acceptEncoding, ifNoneMatch, userAgent };
}

const joined = (seen: string | undefined, value: string) =>
  seen === undefined ? value : `${seen}, ${value}`;
