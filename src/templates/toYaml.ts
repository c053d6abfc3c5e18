import { Document, isScalar, Scalar, visit } from 'yaml';

/**
 * YAML text whose scalars every reader takes as written: cloud-init (PyYAML) and kubeadm (go-yaml v2) read
 * YAML 1.1, where a bare `on`, `no`, `0644` or `1:20` is not a string, so strings are quoted by 1.1's rules.
 * Lists of scalars (commands, hashes, groups) are written on one line with every string double-quoted:
 * PyYAML reads some plain scalars in a flow list (`?x`, `:x`) other than the YAML spec does. Lines are never
 * folded; keys keep the order of the value, so equal values give equal text.
 */
export function toYaml(value: unknown): string {
  const document = new Document(value, { version: '1.1' });
  visit(document, {
    Seq(_, sequence) {
      if (!sequence.items.every((item) => isScalar(item))) return;
      sequence.flow = true;
      for (const item of sequence.items as Scalar[]) {
        if (typeof item.value === 'string') item.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}
