/** `aicore-sim diff` as text: the setup that differs, then per section the figures that moved. */
import { textTable } from '../text-table.js';
import type { Diff, DiffRow } from './compare.js';
import type { Figure } from './profile.js';

const shown = (v: Figure | null): string => (v === null ? '-' : typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1e6) / 1e6)) : v);
const signed = (v: number): string => (v > 0 ? `+${shown(v)}` : shown(v));
const relative = (r: DiffRow): string => (r.relative === null ? (r.delta === null ? 'changed' : 'new') : `${r.relative > 0 ? '+' : ''}${(r.relative * 100).toFixed(2)}%`);

export function diffText(d: Diff): string {
  const out = [`A: ${d.a}`, `B: ${d.b}`];
  if (d.setup.length) out.push('', 'setup (what was run; not counted as a change):', ...d.setup.map((s) => `  ${s.name}: ${shown(s.a)} -> ${shown(s.b)}`));
  for (const s of d.sections) {
    const moved = s.rows.filter((r) => r.moved);
    const within = s.rows.length - moved.length;
    const rest = [within ? `${within} changed within ${d.thresholdPct}%` : '', s.unchanged ? `${s.unchanged} unchanged` : ''].filter(Boolean).join(', ');
    out.push('', `${s.title}:${moved.length === 0 ? ` nothing moved${rest ? ` (${rest})` : ''}` : ''}`);
    if (moved.length === 0) continue;
    const rows = moved.map((r) => [r.name, shown(r.a), shown(r.b), r.delta === null ? '' : signed(r.delta), relative(r)]);
    out.push(...textTable([['', 'A', 'B', 'delta', 'change'], ...rows], 'lrrrr', '  '));
    if (rest) out.push(`  (${rest})`);
  }
  if (d.notCompared.length) out.push('', 'not compared:', ...d.notCompared.map((n) => `  ${n}`));
  out.push('', d.moved ? `${d.moved} figure(s) moved beyond ${d.thresholdPct}%` : `nothing moved beyond ${d.thresholdPct}%`);
  return out.join('\n');
}
