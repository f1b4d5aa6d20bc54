/**
 * Reads a topology CSV (docs/networks.md) with csv-parse: a header row of known column names, then one
 * layer per row; `#` starts a comment line. Every problem is a JobError naming the file, the line and
 * the column, so a user can copy a built-in topology and edit it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { JobError } from '../job-error.js';
import { DIMS, isOp, NETWORK_INPUT, opNames, OPS, type Dim, type DimValue, type Topology, type TopologyLayer } from './topology.js';

/** Every column a topology may have; `name` and `op` are required, the others may be left out. */
export const COLUMNS = ['name', 'op', 'inputs', ...DIMS, 'fused', 'run'] as const;
type Column = (typeof COLUMNS)[number];

/** Layer names become file names of --out traces: letters, digits and . _ - only. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Largest dimension: the GEMM generators take up to 65535. */
const DIM_MAX = 65535;

/** Parses topology text; `file` names it in messages. */
export function parseTopology(text: string, file: string): Topology {
  const fail = (line: number, what: string, column?: string): never => {
    throw new JobError(`${file}:${line}${column ? `: column ${column}` : ''}: ${what}`);
  };
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { comment: '#', skip_empty_lines: true, trim: true, relax_column_count: false, info: true }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new JobError(`${file}:${err.lines ?? 1}: not a valid CSV file: ${err.message}`);
  }
  if (records.length === 0) fail(1, `empty topology: a header row (${COLUMNS.join(',')}) and one row per layer`);
  const header = records[0]!;
  const columns = header.record.map((h, i) => {
    if (!(COLUMNS as readonly string[]).includes(h)) fail(header.info.lines, `unknown column '${h}' (columns: ${COLUMNS.join(', ')})`, `${i + 1}`);
    return h as Column;
  });
  for (const c of ['name', 'op'] as const) if (!columns.includes(c)) fail(header.info.lines, `the header has no '${c}' column`);
  const seen = new Set<string>();
  const layers: TopologyLayer[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const cell = (c: Column) => {
      const i = columns.indexOf(c);
      return i < 0 ? '' : record[i]!;
    };
    const name = cell('name');
    if (!NAME.test(name)) fail(line, name === '' ? 'missing layer name' : `layer name '${name}' may have only letters, digits and . _ - (it names trace files)`, 'name');
    if (seen.has(name)) fail(line, `layer name '${name}' is used twice`, 'name');
    const opText = cell('op');
    if (!isOp(opText)) fail(line, opText === '' ? 'missing op' : `unknown op '${opText}' (ops: ${opNames().join(', ')})`, 'op');
    const op = opText as keyof typeof OPS;
    const def = OPS[op];
    const dims: Partial<Record<Dim, DimValue>> = {};
    for (const d of DIMS) {
      const v = cell(d);
      const wanted = (def.dims as readonly Dim[]).includes(d);
      if (v === '') {
        if (wanted) fail(line, `missing ${d} (op ${op} needs ${def.dims.join(', ')})`, d);
        continue;
      }
      if (!wanted) fail(line, `op ${op} does not use ${d} (it takes ${def.dims.join(', ')}): leave it empty`, d);
      if (v === 'seq') dims[d] = 'seq';
      else if (/^\d+$/.test(v) && Number(v) <= DIM_MAX && (Number(v) > 0 || d === 'pad')) dims[d] = Number(v);
      else fail(line, `'${v}' is not an integer in ${d === 'pad' ? 0 : 1}..${DIM_MAX} (or seq, the sequence length)`, d);
    }
    const inputsText = cell('inputs');
    const previous = layers.at(-1)?.name ?? NETWORK_INPUT;
    const inputs = inputsText === '' ? [previous] : inputsText.split(';').map((s) => s.trim());
    for (const i of inputs) if (i !== NETWORK_INPUT && !seen.has(i)) fail(line, `input '${i}' is not an earlier layer (or ${NETWORK_INPUT}, the network input)`, 'inputs');
    if (inputs.length !== def.inputs) fail(line, `op ${op} reads ${def.inputs} input(s), got ${inputs.length} ('${inputs.join(';')}')`, 'inputs');
    const run = cell('run');
    if (run !== '' && run !== 'device' && run !== 'host') fail(line, `run must be device, host or empty, got '${run}'`, 'run');
    const fused = cell('fused') === '' ? [] : cell('fused').split(';').map((s) => s.trim());
    seen.add(name);
    layers.push({ name, op, inputs, dims, fused, host: run === 'host' || def.engine === 'host', line });
  }
  if (layers.length === 0) fail(header.info.lines, 'no layers after the header');
  return { name: basename(file).replace(/\.csv$/i, ''), file, layers };
}

/** Reads and parses a topology file. */
export function readTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new JobError(`cannot read topology ${file}: ${(e as Error).message}`);
  }
  return parseTopology(text, file);
}
