import { z } from 'zod';

/*
 * What a machine says about itself in `POST /advertise` (format v1). Only hostname, architecture and kernel
 * are required: `uname` is everywhere, the rest depends on what the machine has (`lspci`, `ip`, …). Unknown
 * top-level keys are kept, under `extra`, so that a newer advertise script does not lose facts on an older
 * server; nested objects keep unknown keys where they are. Limits bound what one machine can make the
 * server store, below the 64 KiB body limit.
 */

const text = (max: number) => z.string().min(1, 'must not be empty').max(max);
const count = z.int().min(0).max(1_000_000);
const bytes = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

const gpu = z.looseObject({ vendor: text(128), model: text(256), count: count.min(1) });

const disk = z.looseObject({
  name: text(64),
  sizeBytes: bytes,
  model: text(256).optional(),
  rotational: z.boolean().optional(),
});

const networkInterface = z.looseObject({
  name: text(64),
  mac: z
    .string()
    .regex(/^[0-9a-f]{2}(?::[0-9a-f]{2}){5,19}$/i, 'must be a MAC address such as 52:54:00:12:34:56')
    .optional(),
  // `ADDRESS/PREFIX` as `ip addr` shows it.
  addresses: z.array(text(64)).max(64).default([]),
});

const FIELDS = {
  hostname: text(253),
  /** The name the node registers under, when the payload knows it better than the hostname does yet. */
  nodeName: text(253).optional(),
  machineId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits, as in /etc/machine-id')
    .optional(),
  /** `uname -m`: x86_64, aarch64, … */
  architecture: text(64),
  cpu: z.looseObject({ model: text(256).optional(), count: count.min(1) }).optional(),
  memory: z.looseObject({ totalBytes: bytes }).optional(),
  gpus: z.array(gpu).max(64).default([]),
  disks: z.array(disk).max(256).default([]),
  interfaces: z.array(networkInterface).max(256).default([]),
  /** From /etc/os-release: ID, VERSION_ID, PRETTY_NAME. */
  os: z
    .looseObject({
      id: text(64).optional(),
      versionId: text(64).optional(),
      prettyName: text(256).optional(),
    })
    .optional(),
  /** `uname -r` */
  kernel: text(256),
  bootTime: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time' }).optional(),
};

const KNOWN = new Set(Object.keys(FIELDS));

export type MachineFacts = z.output<z.ZodObject<typeof FIELDS>> & { extra?: Record<string, unknown> };

export const MachineFactsSchema = z
  .looseObject({ ...FIELDS, extra: z.record(z.string(), z.unknown()).optional() })
  .transform(({ extra, ...fields }): MachineFacts => {
    const known: Record<string, unknown> = {};
    const unknown: Record<string, unknown> = { ...extra };
    for (const [key, value] of Object.entries(fields)) (KNOWN.has(key) ? known : unknown)[key] = value;
    return {
      ...(known as z.output<z.ZodObject<typeof FIELDS>>),
      ...(Object.keys(unknown).length === 0 ? {} : { extra: unknown }),
    };
  });

export type MachineFactsInput = z.input<typeof MachineFactsSchema>;
