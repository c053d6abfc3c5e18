/**
 * Caches a header parser by the header's exact text. Clients send a handful of distinct values (one per
 * Ignition release), so each is parsed once; the bound keeps a client sending random values from growing it.
 */
export function memoizeHeader<T>(parse: (header: string) => T, { limit = 256 }: { limit?: number } = {}) {
  const memo = new Map<string, T>();
  // In a boot storm the same value arrives again and again. Each request's header is a new string, so a
  // table lookup hashes it every time; comparing it with the last value first costs a string comparison.
  let lastHeader: string | undefined;
  let lastResult: T | undefined;
  return (header: string): T => {
    if (header === lastHeader) return lastResult as T;
    let result = memo.get(header);
    if (result === undefined) {
      result = parse(header);
      if (memo.size >= limit) memo.clear();
      memo.set(header, result);
    }
    lastHeader = header;
    lastResult = result;
    return result;
  };
}
