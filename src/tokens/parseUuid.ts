const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The canonical (lower-case) form of a UUID token, or undefined when the text is not one. */
export function parseUuid(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  return UUID.test(lower) ? lower : undefined;
}
