/** Plain-text tables for the terminal: columns padded to their widest cell, no colours. */

/**
 * Lays out `rows` (the first is usually the header) as lines; `align` has one letter per column,
 * 'r' for right-aligned, anything else for left-aligned.
 */
export function textTable(rows: readonly (readonly string[])[], align = '', indent = ''): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const pad = (cell: string, i: number) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!));
  return rows.map((r) => (indent + r.map(pad).join('  ')).trimEnd());
}
