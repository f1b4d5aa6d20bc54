/**
 * Small HTML building blocks for the report: escaping, number formats and a table writer whose
 * columns are data (header, alignment, cell), so every table of the page is declared the same way.
 */

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (v: number, digits = 1): string => `${(100 * v).toFixed(digits)}%`;

const BYTE_UNITS = [
  [2 ** 30, 'GiB'],
  [2 ** 20, 'MiB'],
  [2 ** 10, 'KiB'],
] as const;

/** Bytes in the largest unit that keeps at least one whole unit. */
export function bytesText(b: number): string {
  for (const [size, unit] of BYTE_UNITS) if (b >= size) return `${(b / size).toFixed(b >= 100 * size ? 0 : 1)} ${unit}`;
  return `${b} B`;
}

/** A horizontal bar of `share` (0..1) of the cell's width, for tables. */
export const bar = (share: number, colour = '#1f77b4'): string =>
  `<span class="bar"><span style="width:${(100 * Math.max(0, Math.min(1, share))).toFixed(1)}%;background:${colour}"></span></span>`;

/** One column of a table: its header, whether numbers align right, and its cell's HTML. */
export interface HtmlColumn<R> {
  readonly head: string;
  readonly right?: boolean;
  readonly cell: (r: R) => string;
}

/** A table of `rows`; `attrs` goes on the table element (ids, data attributes). */
export function table<R>(columns: readonly HtmlColumn<R>[], rows: readonly R[], attrs = ''): string {
  const cls = (c: HtmlColumn<R>) => (c.right ? ' class="num"' : '');
  const head = columns.map((c) => `<th${cls(c)}>${esc(c.head)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td${cls(c)}>${c.cell(r)}</td>`).join('')}</tr>`).join('\n');
  return `<table${attrs ? ` ${attrs}` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Key figures as a two-column list. */
export const facts = (pairs: readonly (readonly [string, string])[]): string =>
  `<dl class="facts">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
