import type { LocatedResource } from './listResources.ts';
import { payloadError, quote } from './payloadError.ts';
import { describeHashProblem } from './describeHashProblem.ts';
import { describeSourceProblem } from './describeSourceProblem.ts';
import type { SpecVersion } from './SpecVersion.ts';
import { urlScheme } from './versionGates.ts';

/** Ignition's Resource rules (config/v3_X/types/resource.go, headers.go): throws on the first broken one. */
export function checkResource({ path, resource }: LocatedResource, version: SpecVersion): void {
  const { source, compression, verification, httpHeaders } = resource;
  if (typeof source === 'string' && source !== '') {
    const problem = describeSourceProblem(source, version);
    if (problem !== undefined) throw payloadError('semantic', [...path, 'source'], problem);
  }
  if (typeof compression === 'string' && compression !== '' && compression !== 'gzip') {
    throw payloadError(
      'semantic',
      [...path, 'compression'],
      `unsupported compression ${quote(compression)}, only "gzip"`,
    );
  }
  const hash = verification?.hash;
  if (typeof hash === 'string') {
    const hashPath = [...path, 'verification', 'hash'];
    if (typeof source !== 'string')
      throw payloadError('semantic', hashPath, 'a verification hash needs a source');
    const problem = describeHashProblem(hash, version);
    if (problem !== undefined) throw payloadError('semantic', hashPath, problem);
  }
  if (httpHeaders === undefined || httpHeaders.length === 0) return;
  const scheme = typeof source === 'string' ? urlScheme(source) : undefined;
  if (scheme !== 'http' && scheme !== 'https') {
    throw payloadError('semantic', [...path, 'httpHeaders'], 'HTTP headers need an http or https source');
  }
  // Header names are case-insensitive on the wire; Ignition compares them exactly, kindling does not.
  const seen = new Set<string>();
  httpHeaders.forEach(({ name, value }, i) => {
    if (name === '') throw payloadError('semantic', [...path, 'httpHeaders', i, 'name'], 'must not be empty');
    if (value === '') {
      throw payloadError(
        'semantic',
        [...path, 'httpHeaders', i, 'value'],
        'must not be empty (null removes the header)',
      );
    }
    if (seen.has(name.toLowerCase())) {
      throw payloadError(
        'semantic',
        [...path, 'httpHeaders', i, 'name'],
        `header ${quote(name)} is set twice`,
      );
    }
    seen.add(name.toLowerCase());
  });
}
