import { z } from 'zod';

/** How a stub is made, minus the token: stored with a userdata Secret so a rotation can make it again. */
export const StubOptions = z.object({
  format: z.enum(['ignition', 'cloud-config']),
  /** The server's base URL, normal form. */
  server: z.string(),
  /** PEM, as given with --ca (public: it is in the stub anyway). */
  caPem: z.string().optional(),
  gzip: z.boolean(),
  pinHash: z.boolean(),
  /** Leave the files the boot-time advertise unit reads (its URL, the token, the CA): see "Node lifecycle". */
  advertise: z.boolean().default(false),
  /** Set for a per-machine stub, whose token is a minted JWS and not the pool's token. */
  machine: z.string().optional(),
});
export type StubOptions = z.infer<typeof StubOptions>;

export function encodeStubOptions(options: StubOptions): string {
  return JSON.stringify(options);
}

/** undefined when the annotation is missing or was edited into something else. */
export function decodeStubOptions(text: string | undefined): StubOptions | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = StubOptions.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
