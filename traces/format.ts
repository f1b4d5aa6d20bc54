/**
 * Number formatting shared by the reports. Everything here is locale-free so the same run always
 * produces the same bytes, whatever machine or LANG writes the file.
 */

/** Rounds to a fixed number of decimals (a plain number, so CSV and JSON print it the shortest way). */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** Integer with thousands separators: 1234567 -> "1,234,567" (Intl would depend on the locale). */
export function grouped(n: number): string {
  const s = Math.round(Math.abs(n)).toString();
  const body = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${body}` : body;
}

/** Microseconds from cycles at the preset clock (cycles / MHz). */
export const cyclesToUs = (cycles: number, clockMHz: number): number => cycles / clockMHz;
