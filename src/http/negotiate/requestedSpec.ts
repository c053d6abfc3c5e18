import { SPEC_VERSIONS, type SpecVersion } from '../../payload/SpecVersion.ts';
import { memoizeHeader } from './memoizeHeader.ts';

/** The newest spec a client reads; `stored` when it names none (serve as stored); `unsupported` for spec 2 and older. */
export type RequestedSpec = SpecVersion | 'stored' | 'unsupported';

const IGNITION_TYPE = 'application/vnd.coreos.ignition+json';
const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

function parse(accept: string): RequestedSpec {
  let best: [number, number] | undefined;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim());
    if (type.toLowerCase() !== IGNITION_TYPE) continue;
    let version: string | undefined;
    let q = 1;
    for (const param of params) {
      const [name = '', value = ''] = param.split('=').map((part) => part.trim().replace(/^"|"$/g, ''));
      if (name.toLowerCase() === 'version') version = value;
      if (name.toLowerCase() === 'q') q = Number(value);
    }
    // `*/*;q=0.1` beside the Ignition type is no licence to send a newer spec: only the Ignition type counts.
    const match = version === undefined ? null : VERSION.exec(version);
    if (!match || !(q > 0)) continue;
    const candidate: [number, number] = [Number(match[1]), Number(match[2])];
    if (!best || candidate[0] > best[0] || (candidate[0] === best[0] && candidate[1] > best[1]))
      best = candidate;
  }
  if (!best) return 'stored';
  const [major, minor] = best;
  if (major < 3) return 'unsupported';
  // The list's own string, not the one just built: compared with others on every request, it matches by
  // reference.
  const version = `${major}.${minor}.0`;
  return (major === 3 && SPEC_VERSIONS.find((known) => known === version)) || 'stored';
}

const parsed = memoizeHeader(parse);

export function requestedSpec(accept: string | undefined): RequestedSpec {
  return accept === undefined || accept === '' ? 'stored' : parsed(accept);
}
