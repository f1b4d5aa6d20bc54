/**
 * The studies' SVG charts: the same data gives the same bytes, text is escaped, log axes tick by
 * decade, a bar is drawn per finite value, and a log axis over a non-positive value is refused.
 */
import { describe, expect, it } from 'vitest';
import { barChart, stackCharts, xyChart } from '../scripts/lib/plot/svg.js';

const roofline = () =>
  xyChart({
    title: 'a <roof> & "points"',
    x: { label: 'ops per byte', log: true },
    y: { label: 'TOPS', log: true },
    series: [
      { name: 'compute', points: [{ x: 0.1, y: 300 }, { x: 1000, y: 300 }], style: 'line', dashed: true },
      { name: 'layers', style: 'points', points: [{ x: 5, y: 20, label: 'conv1' }, { x: 50, y: 150 }] },
    ],
  });

describe('svg charts', () => {
  it('are deterministic and escape text', () => {
    const svg = roofline();
    expect(svg).toBe(roofline());
    expect(svg).toContain('a &lt;roof&gt; &amp; &quot;points&quot;');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
  });

  it('tick a log axis by decade over the data', () => {
    const labels = [...roofline().matchAll(/text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(expect.arrayContaining(['0.1', '1', '10', '100', '1000']));
  });

  it('draw a bar per finite value and refuse a log axis over zero', () => {
    const svg = barChart({ title: 't', categories: ['a', 'b'], groups: [{ name: 'g', values: [1, Number.NaN] }, { name: 'h', values: [2, 3] }], y: { label: 'cycles' } });
    expect(svg.match(/<rect x=/g)).toHaveLength(1 + 3);
    expect(() => xyChart({ title: 't', x: { label: 'x', log: true }, y: { label: 'y' }, series: [{ name: 's', points: [{ x: 0, y: 1 }] }] })).toThrow(/positive/);
  });

  it('stack panels with clip ids of their own, and keep a colour a series asks for', () => {
    const panel = (y: number) => xyChart({ title: 'p', x: { label: 'x' }, y: { label: 'y', log: true, tight: true }, series: [{ name: 's', colour: 3, points: [{ x: 1, y }, { x: 2, y: 3 * y }] }] });
    const svg = stackCharts([panel(1.5), panel(30)]);
    expect(svg.match(/<clipPath id="plot\d">/g)).toEqual(['<clipPath id="plot0">', '<clipPath id="plot1">']);
    expect(svg).toContain('clip-path="url(#plot1)"');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="880"/);
    expect(svg).toContain('<svg x="0" y="440" ');
    expect(svg).toContain('stroke="#ff7f0e"');
    // a tight log axis ends at the 1-2-5 steps around the data (1 .. 5 for 1.5 .. 4.5), not at decades
    const ticks = [...panel(1.5).matchAll(/text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['1', '2', '5']);
  });
});
