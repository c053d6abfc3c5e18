/**
 * Go's path.Clean: the shortest path naming the same file, by purely lexical processing. Ignition refuses
 * any node path that differs from its cleaned form (ErrDirtyPath), so this must match Go exactly.
 */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') kept.push(segment);
    else if (kept.length > 0 && kept.at(-1) !== '..') kept.pop();
    else if (!rooted) kept.push('..');
  }
  const cleaned = (rooted ? '/' : '') + kept.join('/');
  return cleaned === '' ? '.' : cleaned;
}
