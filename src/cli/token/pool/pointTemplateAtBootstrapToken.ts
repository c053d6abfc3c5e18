import { parseDocument } from 'yaml';

/**
 * The template text with `cluster.bootstrapToken` set to `secretRef: {name}`, whatever it held before (a
 * `value` or another Secret). Edited as a YAML document, so the author's comments and layout survive.
 */
export function pointTemplateAtBootstrapToken(text: string, secretName: string): string {
  const document = parseDocument(text);
  document.setIn(['cluster', 'bootstrapToken'], document.createNode({ secretRef: { name: secretName } }));
  return document.toString();
}
