/** Markdown and number formatting for the timing doc: fixed precision so the output is byte-stable. */

/** A GitHub-style table; `align` has one letter per column, 'r' for right-aligned. */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[], align = ''): string {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${sep.join('|')}|`, ...rows.map(line)].join('\n');
}

/** Signed percentage with `digits` decimals; -0.0 prints as 0.0. */
export function pct(v: number, digits = 1): string {
  const s = (v * 100).toFixed(digits);
  if (Number(s) === 0) return `${(0).toFixed(digits)}%`;
  return `${v > 0 ? '+' : ''}${s}%`;
}

/** Unsigned percentage with one decimal. */
export const absPct = (v: number): string => `${(Math.abs(v) * 100).toFixed(1)}%`;

/** A measured or fitted number with at most `digits` decimals and no trailing zeros. */
export const num = (v: number, digits = 2): string => String(Number(v.toFixed(digits)));

/** Bytes as "512 B", "1 KiB", "1.5 KiB". */
export const size = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${num(bytes / 1024, 2)} KiB`);

/** `code` span. */
export const code = (s: string): string => `\`${s}\``;
