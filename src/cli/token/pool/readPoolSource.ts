import { KindlingError } from '../../../errors/KindlingError.ts';
import type { SpecVersion } from '../../../payload/SpecVersion.ts';
import { parseIgnition } from '../../../payload/validateIgnition.ts';
import type { NodeTemplate } from '../../../templates/NodeTemplate.ts';
import { parseNodeTemplate } from '../../../templates/parseNodeTemplate.ts';
import { decodePayload } from '../../../tokens/decodePayload.ts';
import { usageError } from '../../CommandError.ts';

/** The server's default --max-payload-bytes: a payload the CLI writes is one the server will take. */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** What a pool serves, read from `--payload` or `--template` and checked as the server will check it. */
export type PoolSource =
  | { kind: 'payload'; file: string; bytes: Buffer; version: SpecVersion }
  | { kind: 'template'; file: string; text: string; template: NodeTemplate };

export interface ReadPoolSourceOptions {
  template: string | undefined;
  payload: string | undefined;
  readFile: (path: string) => Promise<Buffer>;
}

async function read(
  flag: string,
  file: string,
  readFile: (path: string) => Promise<Buffer>,
): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw usageError(`--${flag} ${file}: cannot read the file (${code})`);
  }
}

/** Every problem is a usage error naming the flag and file; messages never quote the content. */
export async function readPoolSource({
  template,
  payload,
  readFile,
}: ReadPoolSourceOptions): Promise<PoolSource> {
  if (payload !== undefined) {
    const bytes = await read('payload', payload, readFile);
    try {
      // Stored as given (gzip stays gzip: smaller in etcd); checked decompressed, as the server checks it.
      const { version } = parseIgnition(decodePayload(bytes, { maxBytes: MAX_PAYLOAD_BYTES }));
      return { kind: 'payload', file: payload, bytes, version };
    } catch (error) {
      if (!(error instanceof KindlingError)) throw error;
      throw usageError(
        `--payload ${payload}: not a payload the server would serve (${error.rule ?? 'invalid'}): ${error.message}`,
      );
    }
  }
  if (template === undefined) throw usageError('give --template FILE or --payload FILE');
  const bytes = await read('template', template, readFile);
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw usageError(`--template ${template}: ${bytes.length} bytes, over the limit of ${MAX_PAYLOAD_BYTES}`);
  }
  const text = bytes.toString('utf8');
  try {
    return { kind: 'template', file: template, text, template: parseNodeTemplate(text) };
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    throw usageError(`--template ${template}: ${error.message}`);
  }
}
