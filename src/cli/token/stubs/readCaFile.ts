import { KindlingError } from '../../../errors/KindlingError.ts';
import { normalizeCaPem } from '../../../stubs/normalizeCaPem.ts';
import { usageError } from '../../CommandError.ts';

/** `--ca FILE` as the stub will hold it (PEM certificates only), checked before anything is written. */
export async function readCaFile(file: string, readFile: (path: string) => Promise<Buffer>): Promise<string> {
  let text: string;
  try {
    text = (await readFile(file)).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw usageError(`--ca ${file}: cannot read the file (${code})`);
  }
  try {
    return normalizeCaPem(text);
  } catch (error) {
    if (error instanceof KindlingError) throw usageError(`--ca ${file}: ${error.message}`);
    throw error;
  }
}
