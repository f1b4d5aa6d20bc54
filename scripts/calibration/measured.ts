/**
 * Typed loader for the measured vendor timing tables in `<repo>/docs/measured/*.csv`
 * (docs/measured/README.md says where they come from). The CSVs are plain: no quoting, no embedded commas, CRLF line ends.
 * The loader checks those assumptions (a quote character, a wrong header or a wrong field count is
 * an error) instead of silently mis-splitting.
 *
 * Rows are returned as measured. The one piece of cleaning offered here is `vectorCycles`, because
 * vector.csv has columns that disagree with each other in a few families (see its comment).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dma.csv: one transfer of `bytes` on a data path. */
export interface DmaRow {
  path: string;
  part: string;
  bytes: number;
  gibPerS: number;
  bytesPerCycle: number;
  cycles: number;
}

/** load-repeat.csv: L1/GM -> L0A/L0B loads of `repeatFractals` 512-byte fractals. */
export interface LoadRepeatRow {
  path: string;
  part: string;
  repeatFractals: number;
  bytes: number;
  gibPerS: number;
  bytesPerCycle: number;
  cycles: number;
}

/** mmad.csv: one fp16 mmad of m x k x n on one core. */
export interface MmadRow {
  /** Full table name, e.g. MMAD_FP16_FP16_FP32_1_core_910b1. */
  table: string;
  /** Part code parsed from the table name (910b1, 910b3, 91095). */
  part: string;
  m: number;
  k: number;
  n: number;
  opsPerCycle: number;
  /** m*k*n as reported. */
  macsReported: number;
  /** 2mkn / opsPerCycle. */
  cycles: number;
}

/** vector.csv: one vector instruction of `repeats` repeats. */
export interface VectorRow {
  /** Full instruction key, e.g. VADD_FP16_FP16_FP16_1_core_910b1. */
  instr: string;
  /** Mnemonic, e.g. VADD, VCONV, VECTORDUP. */
  op: string;
  /** Dtypes from the key in order, e.g. ['FP32', 'FP16'] for VCONV_FP32_FP16 (f32 -> f16). */
  dtypes: string[];
  /** Op plus dtypes, e.g. VCONV_FP32_FP16: the family the fits are grouped by. */
  family: string;
  part: string;
  elements: number;
  bytesPerCycle: number;
  repeats: number;
  /** As reported; 0 in some rows and scaled by 1000 in others: use `vectorCycles`. */
  cycles: number;
}

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * The repository root: the nearest ancestor of this module holding package.json named "aicore-sim"
 * (works from the source tree and from dist/). Falls back to the current directory.
 */
export function repoRoot(from: string = MODULE_DIR): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name: unknown = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === 'aicore-sim') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Default location of the measured tables: `<repo>/docs/measured`, kept in the repository so a clone alone can run everything. */
export function defaultMeasuredDir(): string {
  return resolve(repoRoot(), 'docs', 'measured');
}

/** Parse a plain CSV (no quoting) into records keyed by the expected header. */
export function parsePlainCsv(text: string, expectedHeader: readonly string[], source = 'csv'): string[][] {
  if (text.includes('"')) {
    throw new Error(`${source}: contains a quote character; plain splitting would be wrong`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (header === undefined || header.join(',') !== expectedHeader.join(',')) {
    throw new Error(`${source}: header ${JSON.stringify(header)} != ${JSON.stringify(expectedHeader)}`);
  }
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const fields = (lines[i] ?? '').split(',').map((f) => f.trim());
    if (fields.length !== expectedHeader.length) {
      throw new Error(`${source}:${i + 1}: ${fields.length} fields, expected ${expectedHeader.length}`);
    }
    rows.push(fields);
  }
  return rows;
}

function num(field: string | undefined, source: string, line: number, column: string): number {
  const v = Number(field);
  if (field === undefined || field === '' || !Number.isFinite(v)) {
    throw new Error(`${source}:${line}: column ${column} is not a number: ${JSON.stringify(field)}`);
  }
  return v;
}

function str(field: string | undefined): string {
  return field ?? '';
}

function load(dir: string, file: string, header: readonly string[]): { rows: string[][]; source: string } {
  const source = join(dir, file);
  return { rows: parsePlainCsv(readFileSync(source, 'utf8'), header, source), source };
}

/** Split `NAME_DT1_DT2_1_core_PART` into its pieces. */
export function parseInstrKey(key: string): { op: string; dtypes: string[]; cores: number; part: string } {
  const m = /^(.+)_(\d+)_core_([A-Za-z0-9]+)$/.exec(key);
  if (m === null) throw new Error(`unrecognised instruction key ${key}`);
  const [op = '', ...dtypes] = (m[1] ?? '').split('_');
  return { op, dtypes, cores: Number(m[2]), part: m[3] ?? '' };
}

const DMA_HEADER = ['path', 'part', 'bytes', 'GiB_per_s', 'bytes_per_cycle_at_1800MHz', 'cycles_at_1800MHz'] as const;

export function loadDma(dir: string = defaultMeasuredDir()): DmaRow[] {
  const { rows, source } = load(dir, 'dma.csv', DMA_HEADER);
  return rows.map((f, i) => ({
    path: str(f[0]),
    part: str(f[1]),
    bytes: num(f[2], source, i + 2, 'bytes'),
    gibPerS: num(f[3], source, i + 2, 'GiB_per_s'),
    bytesPerCycle: num(f[4], source, i + 2, 'bytes_per_cycle'),
    cycles: num(f[5], source, i + 2, 'cycles'),
  }));
}

const LOAD_REPEAT_HEADER = [
  'path',
  'part',
  'repeat_fractals',
  'bytes',
  'GiB_per_s',
  'bytes_per_cycle_at_1800MHz',
  'cycles_at_1800MHz',
] as const;

export function loadLoadRepeat(dir: string = defaultMeasuredDir()): LoadRepeatRow[] {
  const { rows, source } = load(dir, 'load-repeat.csv', LOAD_REPEAT_HEADER);
  return rows.map((f, i) => ({
    path: str(f[0]),
    part: str(f[1]),
    repeatFractals: num(f[2], source, i + 2, 'repeat_fractals'),
    bytes: num(f[3], source, i + 2, 'bytes'),
    gibPerS: num(f[4], source, i + 2, 'GiB_per_s'),
    bytesPerCycle: num(f[5], source, i + 2, 'bytes_per_cycle'),
    cycles: num(f[6], source, i + 2, 'cycles'),
  }));
}

const MMAD_HEADER = ['table', 'm', 'k', 'n', 'ops_per_cycle', 'macs_reported', 'cycles_if_ops_are_2xMACs'] as const;

export function loadMmad(dir: string = defaultMeasuredDir()): MmadRow[] {
  const { rows, source } = load(dir, 'mmad.csv', MMAD_HEADER);
  return rows.map((f, i) => {
    const table = str(f[0]);
    return {
      table,
      part: parseInstrKey(table).part,
      m: num(f[1], source, i + 2, 'm'),
      k: num(f[2], source, i + 2, 'k'),
      n: num(f[3], source, i + 2, 'n'),
      opsPerCycle: num(f[4], source, i + 2, 'ops_per_cycle'),
      macsReported: num(f[5], source, i + 2, 'macs_reported'),
      cycles: num(f[6], source, i + 2, 'cycles_if_ops_are_2xMACs'),
    };
  });
}

const VECTOR_HEADER = ['instr', 'elements', 'bytes_per_cycle', 'repeats', 'cycles'] as const;

export function loadVector(dir: string = defaultMeasuredDir()): VectorRow[] {
  const { rows, source } = load(dir, 'vector.csv', VECTOR_HEADER);
  return rows.map((f, i) => {
    const instr = str(f[0]);
    const { op, dtypes, part } = parseInstrKey(instr);
    return {
      instr,
      op,
      dtypes,
      family: [op, ...dtypes].join('_'),
      part,
      elements: num(f[1], source, i + 2, 'elements'),
      bytesPerCycle: num(f[2], source, i + 2, 'bytes_per_cycle'),
      repeats: num(f[3], source, i + 2, 'repeats'),
      cycles: num(f[4], source, i + 2, 'cycles'),
    };
  });
}

/** Bytes per element of a dtype name as used in the vector table. */
export function dtypeBytes(dtype: string): number {
  const m = /(\d+)$/.exec(dtype);
  const bits = m === null ? NaN : Number(m[1]);
  if (!Number.isFinite(bits)) throw new Error(`unknown dtype ${dtype}`);
  return Math.max(bits / 8, 0.5);
}

export type VectorCyclesSource = 'reported' | 'reported/1000' | 'from-bytes-per-cycle';

/**
 * Cycles of a vector row, repaired where the table's columns disagree. In vector.csv
 * bytes_per_cycle * cycles / elements is a whole element size (1, 2, 4 or 8) in nearly every row.
 * Two kinds of row break that:
 * - cycles = 0 (VADD_FP16_FP16_FP16, VMUL_FP16_FP16_FP16): cycles are rebuilt as
 *   elements * size(first dtype) / bytes_per_cycle;
 * - cycles 1000x too large (VMULS_FP16_FP16_FP16, element size comes out as 2000): divided by 1000.
 * Anything else (including rows whose `elements` does not match `repeats`) is kept as reported.
 */
export function vectorCycles(row: VectorRow): { cycles: number; source: VectorCyclesSource } {
  const implied = row.elements > 0 ? (row.cycles * row.bytesPerCycle) / row.elements : NaN;
  if (row.cycles > 0 && implied <= 16) return { cycles: row.cycles, source: 'reported' };
  if (row.cycles > 0 && implied / 1000 >= 0.5 && implied / 1000 <= 16) {
    return { cycles: row.cycles / 1000, source: 'reported/1000' };
  }
  if (row.bytesPerCycle > 0) {
    const size = dtypeBytes(row.dtypes[0] ?? '');
    return { cycles: (row.elements * size) / row.bytesPerCycle, source: 'from-bytes-per-cycle' };
  }
  return { cycles: row.cycles, source: 'reported' };
}
