import type { MachineFacts } from './MachineFacts.ts';

/** Labels copied from facts are `facts.kindling.dev/<fact>`: plainly derived, plainly not set by kubelet. */
export const FACT_LABEL_PREFIX = 'facts.kindling.dev/';

// uname -m → the GOARCH names Kubernetes uses (kubernetes.io/arch).
const GO_ARCH: Record<string, string> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'arm',
  armv6l: 'arm',
  i386: '386',
  i686: '386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

const GIB = 1024 ** 3;

/** Every fact `--label-facts` can copy, and how it is read from a report. */
export const FACTS: Readonly<Record<string, (facts: MachineFacts) => string | number | undefined>> = {
  arch: (facts) => GO_ARCH[facts.architecture] ?? facts.architecture,
  'cpu.count': (facts) => facts.cpu?.count,
  'cpu.model': (facts) => facts.cpu?.model,
  'memory.gib': (facts) =>
    facts.memory === undefined ? undefined : Math.floor(facts.memory.totalBytes / GIB),
  'gpu.count': (facts) => facts.gpus.reduce((sum, gpu) => sum + gpu.count, 0),
  'gpu.vendor': (facts) => single(facts.gpus.map((gpu) => gpu.vendor)),
  'gpu.model': (facts) => single(facts.gpus.map((gpu) => gpu.model)),
  'disk.count': (facts) => facts.disks.length,
  'os.id': (facts) => facts.os?.id,
  'os.version': (facts) => facts.os?.versionId,
  kernel: (facts) => facts.kernel,
};

export const FACT_NAMES = Object.keys(FACTS);

/** The one value all entries share; `mixed` when they differ; undefined when there are none. */
function single(values: string[]): string | undefined {
  if (values.length === 0) return undefined;
  return values.every((value) => value === values[0]) ? values[0] : 'mixed';
}

/**
 * The labels for the chosen facts. A fact the report does not have maps to null, which removes a label an
 * earlier copy set. Values are made valid label values (at most 63 characters of [A-Za-z0-9._-],
 * alphanumeric at both ends): "Intel(R) Xeon(R) Gold" becomes "Intel-R-Xeon-R-Gold".
 */
export function factLabels(facts: MachineFacts, names: readonly string[]): Record<string, string | null> {
  const labels: Record<string, string | null> = {};
  for (const name of names) {
    const read = FACTS[name];
    if (read === undefined) throw new TypeError(`unknown fact ${JSON.stringify(name)}`);
    const value = read(facts);
    labels[`${FACT_LABEL_PREFIX}${name}`] = value === undefined ? null : labelValue(String(value));
  }
  return labels;
}

export function labelValue(text: string): string | null {
  const value = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return value === '' ? null : value;
}
