const BEARER = /^bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The credential of an `Authorization: Bearer …` header, or undefined when the header is missing or malformed. */
export function bearerCredential(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}
