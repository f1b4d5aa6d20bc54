/**
 * The INT8 vs FP16 and buffer-size studies (scripts/studies/): each run again reproduces the
 * committed CSV and plots in docs/studies byte for byte (written through the studies' own writer into
 * a temporary folder), and its figures pass checks that would fail if the model or the study broke:
 * FP16 more accurate than INT8 everywhere and INT8 near its 8-bit ceiling, INT8 faster on the
 * cube-bound GEMM with half the bytes, the GEMM never slower as the L2 grows, and too-small capacities
 * reported as reasons, not crashes. Also the writer's refusals (symlinks, FIFOs, files not its own).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buffersFiles, buffersStudy, type BufferRow } from '../scripts/studies/buffers.js';
import { precisionFiles, precisionStudy } from '../scripts/studies/precision.js';
import { writeStudyFiles, type StudyFile } from '../scripts/studies/study-files.js';

const committed = (name: string) => readFileSync(new URL(`../docs/studies/${name}`, import.meta.url), 'utf8');
const temp = mkdtempSync(join(tmpdir(), 'studies-b-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Writes the files as the study script does and compares each with the committed one. */
function expectCommitted(files: readonly StudyFile[], dir: string): void {
  const written = writeStudyFiles(join(temp, dir), files);
  expect(written).toHaveLength(files.length);
  for (const f of files) expect(readFileSync(join(temp, dir, f.name), 'utf8'), `docs/studies/${f.name} is stale: npm run study:* regenerates it`).toBe(committed(f.name));
}

describe('study: INT8 vs FP16', () => {
  const rows = precisionStudy();

  it('reproduces docs/studies/precision.csv and its plots', () => expectCommitted(precisionFiles(rows), 'precision'));

  it('FP16 is more accurate than INT8 on every layer, each near what its bits allow', () => {
    for (const r of rows) {
      expect(r.fp16.sqnrDb, r.case.name).toBeGreaterThan(r.int8.sqnrDb + 20);
      // 8-bit data and output with max calibration: about 35 dB; fp16's 11 significant bits: about 69 dB
      expect(r.int8.sqnrDb, r.case.name).toBeGreaterThan(30);
      expect(r.int8.sqnrDb, r.case.name).toBeLessThan(45);
      expect(r.fp16.sqnrDb, r.case.name).toBeGreaterThan(60);
    }
  });

  it('INT8 runs the fused fixpipe kernel, faster than FP16 with about half the HBM bytes', () => {
    for (const r of rows) {
      expect(r.int8.kernels, r.case.name).not.toContain('requant');
      expect(r.int8.cycles, r.case.name).toBeLessThan(r.fp16.cycles);
      const ratio = r.fp16.memory.hbmRead / r.int8.memory.hbmRead;
      expect(ratio, r.case.name).toBeGreaterThan(1.9);
      expect(ratio, r.case.name).toBeLessThan(2.1);
    }
    // the cube-bound GEMM: fp16 has half the int8 MACs per cycle (k0 of 16 against 32)
    const gemm = rows.find((r) => r.case.name.startsWith('gemm'))!;
    expect(gemm.fp16.cycles / gemm.int8.cycles).toBeGreaterThan(1.6);
  });
});

describe('study: buffer and L2 sizes', () => {
  const rows = buffersStudy();
  const of = (target: string, capacity: string) => rows.filter((r) => r.target.name.startsWith(target) && r.knob.name === capacity);
  const cycles = (r: BufferRow) => ('error' in r.run ? undefined : r.run.cycles);

  it('reproduces docs/studies/buffers.csv and its plots', () => expectCommitted(buffersFiles(rows), 'buffers'));

  it('each row ran or says why not, and the preset row is the preset run', () => {
    for (const r of rows) {
      expect('error' in r.run ? r.run.error.length : r.run.cycles, `${r.target.name} ${r.knob.name} ${r.multiplier}`).toBeGreaterThan(0);
      if (r.multiplier === 1) expect(r.run).toBe(r.preset);
    }
    expect(rows.filter((r) => 'error' in r.run).map((r) => ('error' in r.run ? r.run.error : ''))).toEqual(expect.arrayContaining([expect.stringContaining('no tiling fits')]));
  });

  it('the GEMM is never slower as the L2 grows, and slower once its working set stops fitting', () => {
    const l2 = of('gemm', 'L2').map(cycles) as number[];
    for (let i = 1; i < l2.length; i++) expect(l2[i]!).toBeLessThanOrEqual(l2[i - 1]!);
    expect(l2[0]!).toBeGreaterThan(l2.at(-1)! * 1.1);
  });

  it('the tiler adapts: smaller L0C means narrower tiles and more cycles; UB does not matter to the fixpipe GEMM', () => {
    const l0c = of('gemm', 'L0C');
    expect(l0c[0]!.multiplier).toBeLessThan(1);
    expect(cycles(l0c[0]!)!).toBeGreaterThan(cycles(l0c.find((r) => r.multiplier === 1)!)! * 1.5);
    expect(new Set(l0c.map((r) => ('error' in r.run ? '' : r.run.tiling))).size).toBeGreaterThan(2);
    expect(new Set(of('gemm', 'UB').map(cycles)).size).toBe(1);
  });
});

describe('study files', () => {
  const file = (name: string, text: string): StudyFile => ({ name, text });

  it('replace their own earlier output and refuse anything else, writing nothing then', () => {
    const dir = join(temp, 'refusals');
    writeStudyFiles(dir, [file('a.csv', 'x,y\n1,2\n')]);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('x,y\n1,2\n');
    // a new column: still the study's own file (the first column name matches)
    writeStudyFiles(dir, [file('a.csv', 'x,y,z\n1,2,3\n')]);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('x,y,z\n1,2,3\n');
    writeFileSync(join(dir, 'notes.csv'), 'my notes\n');
    expect(() => writeStudyFiles(dir, [file('a.csv', 'x\n9\n'), file('notes.csv', 'x\n1\n')])).toThrow(/not the study's own/);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('x,y,z\n1,2,3\n');
    expect(readFileSync(join(dir, 'notes.csv'), 'utf8')).toBe('my notes\n');
    symlinkSync(join(dir, 'notes.csv'), join(dir, 'link.csv'));
    expect(() => writeStudyFiles(dir, [file('link.csv', 'my notes\n')])).toThrow(/symlink/);
    execFileSync('mkfifo', [join(dir, 'pipe.svg')]);
    expect(() => writeStudyFiles(dir, [file('pipe.svg', '<svg a\n')])).toThrow(/not a regular file/);
    expect(readFileSync(join(dir, 'notes.csv'), 'utf8')).toBe('my notes\n');
  });
});
