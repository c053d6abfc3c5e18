/**
 * Columns padded to their widest cell, two spaces apart, headers first, as kubectl prints tables. Cells
 * are single lines; the last column is not padded, so lines carry no trailing spaces.
 */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const lines = all.map((row) =>
    headers
      .map((_, column) => {
        const cell = (row[column] ?? '').replace(/\s*\n\s*/g, ' ');
        return column === headers.length - 1 ? cell : cell.padEnd(widths[column] ?? 0);
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
