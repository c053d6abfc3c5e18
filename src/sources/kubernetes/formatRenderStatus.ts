const MAX_LENGTH = 500;

// Messages are written never to hold a secret value; these catch one anyway, should a message ever quote
// input: a bootstrap token, a certificate key (or any 64-hex digest), a token UUID.
const SECRET_SHAPES = [
  /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g,
  /\b[0-9a-fA-F]{64}\b/g,
  /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g,
];

/** The `kindling.dev/render-status` value of a template that is not served: one line, bounded, no secret. */
export function formatRenderStatus(rule: string, message: string): string {
  let text = `failed: ${rule}: ${message}`.replace(/\s+/g, ' ').trim();
  for (const shape of SECRET_SHAPES) text = text.replace(shape, '[redacted]');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
