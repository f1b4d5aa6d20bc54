/**
 * The HTML report: the timeline sink's downsampling (bounded segments, exact busy cycles), the report
 * files of an --out folder (deterministic bytes, self-contained), `aicore-sim report DIR` and its
 * refusals, and the pages rendered in headless Chromium: no console message, a drawn timeline, a
 * roofline, the network's layer bars. The browser part skips, saying so, where chromium is absent
 * (CI installs it: .ci/run).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import type { CoreInfo, InsnRecord } from '../hw/engine/records.js';
import { chromiumPath, runChromium } from '../scripts/lib/report-html/chromium.js';
import { chipRoofs, REPORT_FILES, type ReportData } from '../scripts/lib/report-html/data.js';
import { REPORT_MARKER, reportHtml } from '../scripts/lib/report-html/page.js';
import { readReportData } from '../scripts/lib/report-html/write.js';
import { roofline } from '../scripts/lib/report-html/roofline.js';
import { runMatmul } from '../scripts/lib/run-matmul.js';
import { DETAIL_LIMIT, TimelineSink } from '../traces/timeline.js';
import { runCli as cli } from './support/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let made = 0;
const fresh = (name: string) => path.join(dir, `${name}-${made++}`);

const CORE: CoreInfo = { core: 0, kind: 'coupled', blockIdx: 0, pipes: ['M', 'MTE2'] };
const rec = (id: number, pipe: InsnRecord['pipe'], op: InsnRecord['op'], start: number, end: number): InsnRecord => ({ id, core: 0, pipe, pc: id % 7, op, issue: start, start, end, flowFrom: -1, path: null, bytes: 0 });

describe('timeline sink', () => {
  it('merges a long run into at most a few thousand segments per lane and keeps its busy cycles exact', () => {
    const sink = new TimelineSink();
    sink.begin([CORE]);
    const n = 300_000;
    for (let i = 0; i < n; i++) sink.insn(rec(i, 'M', 'mmad', 10 * i, 10 * i + 6));
    const t = sink.timeline();
    const lane = t.lanes[0]!;
    expect(t.insns).toBe(n);
    expect(lane.busyCycles).toBe(6 * n);
    expect(lane.segments.length / 3).toBeLessThanOrEqual(3000);
    expect(lane.resolution).toBeGreaterThanOrEqual(4);
    // spread over the run, not lumped together: a resolution's windows keep most of the cap
    expect(lane.segments.length / 3).toBeGreaterThan(3000 / 4);
    let busy = 0;
    for (let i = 2; i < lane.segments.length; i += 3) busy += lane.segments[i]!;
    expect(busy).toBe(6 * n);
    expect(t.detail).toBeNull();
  });

  it('keeps every instruction of a small run, and counts waits apart from busy time', () => {
    const sink = new TimelineSink();
    sink.begin([CORE]);
    sink.insn(rec(0, 'MTE2', 'wait_flag', 0, 50));
    sink.insn(rec(1, 'MTE2', 'copy_gm_l1', 50, 80));
    sink.insn(rec(2, 'MTE2', 'copy_gm_l1', 70, 90));
    const t = sink.timeline();
    expect(t.lanes[0]!.busyCycles).toBe(40);
    expect(t.lanes[0]!.segments).toEqual([50, 40, 40]);
    expect(t.lanes[0]!.resolution).toBe(0);
    expect(t.detail!.insns.length / 6).toBe(3);
    expect(t.detail!.wait[t.detail!.ops.indexOf('wait_flag')]).toBe(true);
  });
});

describe('roofline', () => {
  it('draws the roofs for a kernel without cube MACs on no cube (a vector kernel), and says why it is not placed', () => {
    const r = roofline(chipRoofs(loadConfig('ascend910b')), [{ name: 'relu', ops: 0, seconds: 1e-6, gmBytes: 4096, hbmBytes: 4096 }], 0, 1);
    expect(r.points).toBe(0);
    expect(r.svg).toContain('<svg');
    expect(r.left).toEqual(['no cube MACs (int8 ops are cube MACs here): relu']);
  });
});

const MM = ['run', 'matmul', '--m', '64', '--k', '128', '--n', '64', '--preset', 'tiny'];

describe('report files', () => {
  it('every --out folder gets report.html and report-data.json, the same bytes for the same run, nothing fetched', async () => {
    const [a, b] = [fresh('a'), fresh('b')];
    for (const out of [a, b]) expect((await cli(...MM, '--out', out)).code).toBe(0);
    const page = fs.readFileSync(path.join(a, REPORT_FILES.html), 'utf8');
    expect(page).toBe(fs.readFileSync(path.join(b, REPORT_FILES.html), 'utf8'));
    expect(fs.readFileSync(path.join(a, REPORT_FILES.data), 'utf8')).toBe(fs.readFileSync(path.join(b, REPORT_FILES.data), 'utf8'));
    expect(page.split('\n')[1]).toBe(REPORT_MARKER);
    // self-contained: no external script, style sheet, image or font
    expect(page).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=|<link\s|@import|url\(http/i);
    expect(page).toContain('<figure id="roofline"');
  });

  it('`report DIR` writes the same page again, and refuses what aicore-sim did not write (exit 4, one line)', async () => {
    const out = fresh('again');
    expect((await cli(...MM, '--out', out)).code).toBe(0);
    const page = path.join(out, REPORT_FILES.html);
    const first = fs.readFileSync(page, 'utf8');
    fs.rmSync(page);
    const r = await cli('report', out);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(page, 'utf8')).toBe(first);

    const refused = async (target: string, message: RegExp) => {
      const x = await cli('report', target);
      expect(x.code).toBe(4);
      expect(x.stderrLines).toHaveLength(1);
      expect(x.stderr).toMatch(message);
    };
    await refused(dir, /is not an aicore-sim output folder: it has no report-data\.json/);
    await refused(path.join(dir, 'missing'), /does not exist/);
    await refused(path.join(out, 'trace.json'), /is not a folder/);
    fs.writeFileSync(path.join(out, REPORT_FILES.html), '<html>my notes</html>\n');
    await refused(out, /report\.html was not written by aicore-sim/);
    expect(fs.readFileSync(page, 'utf8')).toBe('<html>my notes</html>\n');
    fs.rmSync(page);
    const mine = path.join(dir, 'mine.html');
    fs.writeFileSync(mine, first);
    fs.symlinkSync(mine, page);
    await refused(out, /report\.html is a symlink/);
    fs.rmSync(page);
    execFileSync('mkfifo', [page]);
    await refused(out, /report\.html is a FIFO/);
    expect(fs.lstatSync(page).isFIFO()).toBe(true);
    fs.rmSync(page);
    fs.writeFileSync(path.join(out, REPORT_FILES.data), '{"format":"something else"}');
    await refused(out, /is not report data this aicore-sim writes/);
    fs.writeFileSync(path.join(out, REPORT_FILES.data), '{"format":"aicore-sim-report-data","version":1,"chip":{},"kernels":[{}],"network":null}');
    await refused(out, /cannot draw the report from .*report-data\.json: it is not report data as aicore-sim writes it/);
    expect(fs.readdirSync(out).filter((f) => f.includes('partial'))).toEqual([]);
  });
});

describe('a folder from before reports', () => {
  it('`report DIR` rebuilds the page from trace.json and the CSVs: the same timeline and figures, and says what they lack', async () => {
    const out = fresh('old');
    expect((await cli(...MM, '--out', out)).code).toBe(0);
    const want = readReportData(out).kernels[0]!;
    for (const f of Object.values(REPORT_FILES)) fs.rmSync(path.join(out, f));
    const r = await cli('report', out);
    expect(r.code).toBe(0);
    const got = readReportData(out).kernels[0]!;
    expect(got.timeline).toEqual(want.timeline);
    for (const k of ['cycles', 'bytes', 'memory', 'stalls', 'macs', 'usefulMacs'] as const) expect(got.summary[k]).toEqual(want.summary[k]);
    for (const [p, use] of Object.entries(want.summary.pipes)) expect(got.summary.pipes[p as keyof typeof want.summary.pipes]!.ratio).toBeCloseTo(use.ratio, 5);
    expect(fs.readFileSync(path.join(out, REPORT_FILES.html), 'utf8')).toContain('rebuilt by aicore-sim report from trace.json and the CSVs');
    expect(fs.existsSync(path.join(out, REPORT_FILES.data))).toBe(false);
  });
});

const SMALL_NET = [
  'name,op,inputs,c,h,w,oc,kh,kw,stride,pad,k,n',
  'c1,conv,-,16,16,16,32,3,3,1,1,,',
  'c2,conv,,32,16,16,32,1,1,1,0,,',
  'sum,add,c1;c2,32,16,16,,,,,,,',
  'fc,fc,,,,,,,,,,8192,16',
].join('\n');

/** A kernel report whose timeline has more instructions than the detail limit: drawn as merged segments. */
function overviewReport(from: string): string {
  const data = JSON.parse(fs.readFileSync(path.join(from, REPORT_FILES.data), 'utf8')) as ReportData;
  const sink = new TimelineSink();
  sink.begin([CORE]);
  for (let i = 0; i <= DETAIL_LIMIT * 5; i++) sink.insn(rec(i, i % 2 ? 'M' : 'MTE2', i % 2 ? 'mmad' : 'copy_gm_l1', 7 * i, 7 * i + 9));
  const k = data.kernels[0]!;
  const file = path.join(fresh('overview'), 'report.html');
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, reportHtml({ ...data, kernels: [{ ...k, timeline: sink.timeline() }] }));
  return file;
}

const chromium = chromiumPath();
if (!chromium) console.warn('report-html.test.ts: chromium not found, skipping the headless-browser checks (Debian: apt-get install -y chromium)');

describe.skipIf(!chromium)('in headless Chromium', () => {
  const attr = (dom: string, name: string, at = 0) => [...dom.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1]!)[at];
  const open = (file: string) => {
    const r = runChromium(file, ['--dump-dom', '--window-size=1400,900']);
    expect(r.console).toEqual([]);
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it('a kernel report draws its timeline, instruction by instruction, and its roofline; a large one draws merged segments', async () => {
    const out = fresh('browser');
    expect((await cli(...MM, '--out', out)).code).toBe(0);
    const dom = open(path.join(out, REPORT_FILES.html));
    expect(attr(dom, 'data-report-ready')).toBe('1');
    expect(Number(attr(dom, 'data-segments-drawn'))).toBeGreaterThan(0);
    expect(attr(dom, 'data-view')).toBe('instructions');
    expect(Number(attr(dom, 'data-points'))).toBe(2);
    expect(dom).toMatch(/<figure id="roofline" data-points="2">\s*<svg/);

    // zooming: the buttons, the wheel and a drag each redraw a narrower or shifted view, without an error
    const page = path.join(out, REPORT_FILES.html);
    const poke = `<script>(function(){var el=document.querySelector('.timeline'),c=el.querySelector('canvas'),r=c.getBoundingClientRect(),seen=[];
var note=function(){seen.push(el.querySelector('.range').textContent);};note();
el.querySelector('[data-act=in]').click();el.querySelector('[data-act=in]').click();note();
c.dispatchEvent(new WheelEvent('wheel',{deltaY:-100,clientX:r.left+400,clientY:r.top+40,bubbles:true,cancelable:true}));note();
c.dispatchEvent(new MouseEvent('mousedown',{clientX:r.left+600,clientY:r.top+40,bubbles:true}));
c.dispatchEvent(new MouseEvent('mousemove',{clientX:r.left+500,clientY:r.top+40,bubbles:true}));
window.dispatchEvent(new MouseEvent('mouseup',{}));note();
el.querySelector('[data-act=reset]').click();note();
document.body.setAttribute('data-zoom-views',JSON.stringify(seen));})();</script>`;
    const poked = page.replace(/\.html$/, '.poked.html');
    fs.writeFileSync(poked, fs.readFileSync(page, 'utf8').replace('</body>', `${poke}</body>`));
    const views = JSON.parse(attr(open(poked), 'data-zoom-views')!.replace(/&quot;/g, '"')) as string[];
    expect(new Set(views).size).toBe(4);
    expect(views[4]).toBe(views[0]);

    const big = open(overviewReport(out));
    expect(attr(big, 'data-view')).toBe('segments');
    expect(Number(attr(big, 'data-segments-drawn'))).toBeGreaterThan(0);
  });

  it('a network report draws a bar per layer, the layers on the roofline and the traced layers\' timelines', async () => {
    const topo = path.join(dir, 'net.csv');
    fs.writeFileSync(topo, `${SMALL_NET}\n`);
    const out = fresh('net');
    const r = await cli('network', topo, '--preset', 'tiny', '--out', out, '--trace-layers', 'c1');
    expect(r.code).toBe(0);
    const dom = open(path.join(out, REPORT_FILES.html));
    expect(attr(dom, 'data-layer-bars')).toBe('4');
    expect(dom.match(/class="layer-bar"/g)).toHaveLength(4);
    expect(Number(attr(dom, 'data-points'))).toBeGreaterThanOrEqual(2);
    expect(attr(dom, 'data-report-ready')).toBe('1');
    expect(Number(attr(dom, 'data-segments-drawn'))).toBeGreaterThan(0);
  });
});

describe('library', () => {
  it('runMatmul with a trace folder lists the report among its files', () => {
    const out = fresh('lib');
    const j = runMatmul({ m: 32, k: 64, n: 32, preset: 'tiny', mode: 'timing', trace: { dir: out } });
    expect(j.files!.map((f) => path.basename(f))).toEqual(expect.arrayContaining([REPORT_FILES.data, REPORT_FILES.html]));
  });
});
