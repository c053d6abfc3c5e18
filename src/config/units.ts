import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const SIZE = /^(\d+)(B|KiB|MiB|GiB)?$/;
const SIZE_BYTES = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;

/** `250ms`, `30s`, `10m`, `24h`, `7d` → milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const match = DURATION.exec(text.trim());
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration such as 500ms, 30s, 10m, 24h; got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return Number(match[1]) * DURATION_MS[match[2] as keyof typeof DURATION_MS];
});

/** `1048576`, `512KiB`, `4MiB`, `1GiB` → bytes. */
export const byteSize = z.string().transform((text, ctx) => {
  const match = SIZE.exec(text.trim());
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a size such as 65536, 512KiB, 4MiB; got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return Number(match[1]) * SIZE_BYTES[(match[2] ?? 'B') as keyof typeof SIZE_BYTES];
});

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (all interfaces). Port 0 asks the system for a free port. */
export const hostPort = z.string().transform((text, ctx) => {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    ctx.addIssue({
      code: 'custom',
      message: `expected HOST:PORT such as 127.0.0.1:8443 or :8443; got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
});

export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', ''])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

export const count = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a number')
  .transform(Number);
