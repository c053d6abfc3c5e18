/**
 * Caches a header parser by the header's exact text. Clients send a handful of distinct values (one per
 * Ignition release), so each is parsed once; the bound keeps a client sending random values from growing it.
 */
export function memoizeHeader<T>(parse: (header: string) => T, { limit = 256 }: { limit?: number } = {}) {
  const memo = new Map<string, T>();
  return (header: string): T => {
    let result = memo.get(header);
    if (result === undefined) {
      result = parse(header);
      if (memo.size >= limit) memo.clear();
      memo.set(header, result);
    }
    return result;
  };
}
