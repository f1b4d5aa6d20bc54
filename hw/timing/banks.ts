/**
 * UB bank conflicts of vector instructions (docs/hardware.md §UB and L1 banks; the rule is in
 * docs/timing-model.md, section 1.7).
 *
 * Structure (preset `banks.ub`): `groups` bank groups of `banksPerGroup` banks of `bankRows` rows. In
 * one cycle a group serves one read and one write, to different banks of it: two reads, or two writes,
 * to one group conflict, and so do a read and a write to one bank.
 *
 * Address map, as the vendor's worked examples imply it for arch 2201 (it is not stated as a map): row
 * n = addr / rowBytes is in group n mod groups, at depth (n / groups) mod bankRows, in bank
 * n / (groups x bankRows) of its group (mod banksPerGroup). So consecutive rows walk through the
 * groups, and each bank of a group is one contiguous 64 KiB block of the 2201 UB.
 *
 * Choices (not published):
 * - What is compared: all the accesses one repeat makes (its source rows read, its destination rows
 *   written; vaxpy's destination both), as the vendor's examples compare an instruction's operands.
 *   A repeat whose accesses need k cycles at one read and one write per group and one access per bank
 *   costs (k - 1) x `conflictCycles` extra (the vendor: 8 blocks in one group take 8 cycles a repeat).
 *   An in-place instruction (dst = src) reads and writes the same banks, so it conflicts; vaxpy's
 *   read and write of its own destination (the addend) do not: they are in the fitted axpy cost.
 * - Every block of a repeat counts, whatever the mask.
 *
 * Timing depends on addresses only, never on data, so functional and timing-only runs agree. Decode
 * (bankCheckOf) turns the operand layouts (isa/shapes.ts) into byte spans once; at run time
 * (bankExtraCycles) only the base addresses vary: a small memo per instruction keys on them, and a
 * repeat that is the previous one shifted as a whole reuses its cost.
 */
import type { Family } from '../../isa/opcodes.js';
import type { Layout, InsnShape } from '../../isa/shapes.js';
import type { HwConfig, UbBankParams } from '../config/types.js';

/** What each repeat does to a mem operand. */
type Role = 'read' | 'write' | 'readWrite';

/** Roles of each vector family's mem operands, in operand order (isa/opcodes.ts: dst first). */
const ROLES: Partial<Record<Family, readonly Role[]>> = {
  'vec-binary': ['write', 'read', 'read'],
  'vec-scalar': ['write', 'read'],
  'vec-axpy': ['readWrite', 'read'], // dst is also the addend
  'vec-unary': ['write', 'read'],
  'vec-dup': ['write'],
  'vec-conv': ['write', 'read'],
  'vec-deq': ['write', 'read'],
  'vec-vdeq': ['write', 'read', 'read'],
  'vec-reduce': ['write', 'read'],
};

/** One UB operand, as rows relative to its base row. */
interface OperandRows {
  /** index of the operand in the instruction's mems (and in the queue entry's addresses) */
  readonly mem: number;
  readonly reads: boolean;
  readonly writes: boolean;
  /** byte spans of repeat 0, relative to the base: [start, end) pairs */
  readonly spans: Int32Array;
  /** bytes each repeat moves the spans by; -1: the operand is split evenly over the repeats instead */
  readonly repeatStride: number;
  /** bytes of the whole operand, for an operand split over the repeats (vreduce's results) */
  readonly total: number;
}

/** Per decoded vector instruction: everything about its UB accesses except the base addresses. */
export interface BankCheck {
  readonly params: UbBankParams;
  readonly operands: readonly OperandRows[];
  readonly repeats: number;
  /** the extra cycles when they do not depend on the base addresses, else -1 */
  readonly fixed: number;
  /** every repeat stride is whole rows, so a repeat is the previous one shifted (sameAsPrevious) */
  readonly shiftable: boolean;
  /** extra cycles by the operands' base rows (a number when it is exact as one, else text) */
  readonly memo: Map<number | string, number>;
  readonly numericKey: boolean;
}

/** Distinct base-address combinations remembered per instruction; a kernel loop reuses a few. */
const MEMO_LIMIT = 4096;

/** Byte spans of one repeat's part of a layout (a repeat is a list of blocks, or one run of bytes). */
function spansOf(l: Layout, at: number, out: number[]): void {
  if (typeof l === 'number') {
    if (l > 0) out.push(at, at + l);
    return;
  }
  for (let i = 0; i < l.count; i++) spansOf(l.each, at + i * l.stride, out);
}

/**
 * The bank check of a decoded instruction, or null when it cannot conflict: the preset has no UB banks,
 * the instruction is not a vector instruction with UB operands, or it has one operand, which it only
 * reads or only writes, and that does not conflict with itself.
 */
export function bankCheckOf(shape: InsnShape, family: Family, memBufs: readonly string[], cfg: HwConfig): BankCheck | null {
  const params = cfg.banks.ub;
  const roles = ROLES[family];
  if (params === null || roles === undefined || shape.kind !== 'vector' || shape.repeats === 0) return null;
  const operands: OperandRows[] = [];
  shape.operands.forEach((layout, mem) => {
    const role = roles[mem];
    if (role === undefined || memBufs[mem] !== 'UB' || layout === 0) return;
    const spans: number[] = [];
    // a plain byte count is split evenly over the repeats (vreduce: one result per repeat)
    if (typeof layout !== 'number') spansOf(layout.each, 0, spans);
    operands.push({
      mem,
      reads: role !== 'write',
      writes: role !== 'read',
      spans: Int32Array.from(spans),
      repeatStride: typeof layout === 'number' ? -1 : layout.stride,
      total: typeof layout === 'number' ? layout : 0,
    });
  });
  if (operands.length === 0) return null;
  const rowsInUb = params.groups * params.banksPerGroup * params.bankRows;
  const numericKey = rowsInUb ** operands.length <= Number.MAX_SAFE_INTEGER;
  const shiftable = operands.every((o) => o.repeatStride % params.rowBytes === 0 || o.repeatStride < 0);
  const check = { params, operands, repeats: shape.repeats, fixed: -1, shiftable, memo: new Map<number | string, number>(), numericKey };
  // Only reads or only writes: a bank sees no more accesses than its group, and groups are row mod
  // groups, so moving the operand by whole rows only renames them: the cost does not depend on where.
  const o = operands[0]!;
  if (operands.length === 1 && o.reads !== o.writes) {
    const alone = conflictCycles(check, [0]);
    if (alone === 0) return null;
    check.fixed = alone;
  }
  return check;
}

// scratch counters, reused: the engine is single-threaded and a check finishes before the next starts
let groupReads = new Int32Array(0);
let groupWrites = new Int32Array(0);
let bankAccesses = new Int32Array(0);
const baseRows: number[] = [];

/** Extra cycles of the instruction with its operands' base rows at `rows` (one per operand). */
function conflictCycles(check: BankCheck, rows: readonly number[]): number {
  const { groups, banksPerGroup, bankRows, rowBytes, conflictCycles: penalty } = check.params;
  const banks = groups * banksPerGroup;
  const rowsPerBankSet = groups * bankRows;
  if (bankAccesses.length < banks || groupReads.length < groups) {
    groupReads = new Int32Array(groups);
    groupWrites = new Int32Array(groups);
    bankAccesses = new Int32Array(banks);
  }
  const repeats = check.repeats;
  const ops = check.operands;
  if (signature.length < 3 * ops.length) signature = new Int32Array(3 * ops.length);
  let extra = 0;
  let last = -1; // extra cycles of the previous repeat, when its signature is in `signature`
  for (let r = 0; r < repeats; r++) {
    // A repeat like the previous one up to a common shift of all its rows costs the same; most
    // instructions step every operand by the same stride, so most repeats end here.
    if (check.shiftable && sameAsPrevious(check, rows, r, last >= 0)) {
      extra += last;
      continue;
    }
    groupReads.fill(0, 0, groups);
    groupWrites.fill(0, 0, groups);
    bankAccesses.fill(0, 0, banks);
    let worst = 0;
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i]!;
      const base = rows[i]!;
      const split = o.repeatStride < 0;
      const count = split ? 1 : o.spans.length / 2;
      for (let s = 0; s < count; s++) {
        const lo = split ? Math.floor((r * o.total) / repeats) : o.spans[2 * s]! + r * o.repeatStride;
        const hi = split ? Math.floor(((r + 1) * o.total) / repeats) : o.spans[2 * s + 1]! + r * o.repeatStride;
        for (let row = base + Math.floor(lo / rowBytes), end = base + Math.floor((hi - 1) / rowBytes); row <= end; row++) {
          const group = row % groups;
          const bank = (Math.floor(row / rowsPerBankSet) % banksPerGroup) * groups + group;
          // vaxpy's read and write of its own destination rows are one read-modify-write of the bank
          // (part of the measured cost of class axpy), so the bank counts it once
          if (o.reads) worst = Math.max(worst, ++groupReads[group]!);
          if (o.writes) worst = Math.max(worst, ++groupWrites[group]!);
          worst = Math.max(worst, ++bankAccesses[bank]!);
        }
      }
    }
    last = worst > 1 ? (worst - 1) * penalty : 0;
    extra += last;
  }
  return extra;
}

let signature = new Int32Array(0);

/**
 * Whether repeat r's rows are the previous repeat's moved by one common shift, as far as banks can
 * tell: every operand's first row in the same group relative to the first operand's, its rows in one
 * bank of their groups (the same as before) and as many rows as before. Stores r's signature for the
 * next repeat; `compare` false only stores it. Needs every repeat stride a whole number of rows.
 */
function sameAsPrevious(check: BankCheck, rows: readonly number[], r: number, compare: boolean): boolean {
  const { groups, banksPerGroup, bankRows, rowBytes } = check.params;
  const rowsPerBankSet = groups * bankRows;
  const ops = check.operands;
  let same = compare;
  let valid = true;
  let phase0 = 0;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const split = o.repeatStride < 0;
    const lo = split ? Math.floor((r * o.total) / check.repeats) : o.spans[0]! + r * o.repeatStride;
    const hi = split ? Math.floor(((r + 1) * o.total) / check.repeats) : o.spans[o.spans.length - 1]! + r * o.repeatStride;
    const first = rows[i]! + Math.floor(lo / rowBytes);
    const end = rows[i]! + Math.floor((hi - 1) / rowBytes);
    const block = Math.floor(first / rowsPerBankSet);
    if (block !== Math.floor(end / rowsPerBankSet)) valid = false; // crosses into the next bank
    if (i === 0) phase0 = first % groups;
    const phase = (((first % groups) - phase0) % groups + groups) % groups;
    const bank = block % banksPerGroup;
    const length = end - first;
    if (signature[3 * i] !== phase || signature[3 * i + 1] !== bank || signature[3 * i + 2] !== length) same = false;
    signature[3 * i] = phase;
    signature[3 * i + 1] = bank;
    signature[3 * i + 2] = length;
  }
  if (!valid) {
    signature[1] = -1; // no later repeat can match this one
    return false;
  }
  return same;
}

/**
 * Extra cycles of a vector instruction from UB bank conflicts, with its mem operands at `addr` (the
 * queue entry's resolved, checked addresses). Bases are whole rows: banks.ub.rowBytes is at most the
 * UB alignment.
 */
export function bankExtraCycles(check: BankCheck, addr: Float64Array): number {
  if (check.fixed >= 0) return check.fixed;
  const { groups, banksPerGroup, bankRows, rowBytes } = check.params;
  const rowsInUb = groups * banksPerGroup * bankRows;
  const ops = check.operands;
  let key = 0;
  baseRows.length = ops.length;
  for (let i = 0; i < ops.length; i++) {
    // the map repeats every rowsInUb rows (a UB larger than its banks wraps), so the key stays exact
    const row = Math.floor(addr[ops[i]!.mem]! / rowBytes) % rowsInUb;
    baseRows[i] = row;
    key = key * rowsInUb + row;
  }
  const known = check.memo.get(check.numericKey ? key : baseRows.join(','));
  if (known !== undefined) return known;
  const extra = conflictCycles(check, baseRows);
  if (check.memo.size >= MEMO_LIMIT) check.memo.clear();
  check.memo.set(check.numericKey ? key : baseRows.join(','), extra);
  return extra;
}
