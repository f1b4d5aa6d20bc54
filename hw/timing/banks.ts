/**
 * UB bank conflicts of vector instructions (docs/hardware.md §UB and L1 banks; the rule and its choices
 * are in docs/timing-model.md, section 1.7).
 *
 * Structure (preset `banks.ub`): `groups` bank groups of `banksPerGroup` banks each. In one cycle a
 * group serves one read and one write, to different banks of it; two reads, or two writes, to one group
 * conflict, and so do a read and a write to one bank.
 *
 * Chosen, because neither is published for arch 2201:
 * - Mapping: the UB is a sequence of `rowBytes` rows interleaved over all banks: row n is in bank
 *   n mod (groups x banksPerGroup), and bank b is in group b mod groups. Consecutive rows therefore
 *   walk through every group before they reuse one, as the 3510 UB interleaves its groups on the low
 *   address bits.
 * - What is compared: all the accesses one repeat makes (its source rows read, its destination rows
 *   written; vaxpy's destination both). A repeat whose accesses need k cycles at one access per group
 *   port and per bank costs (k - 1) x `conflictCycles` extra. The pipeline skew between a repeat's reads
 *   and its writes is not public, so an in-place instruction (dst = src) conflicts with itself.
 * - Every block of a repeat counts, whatever the mask (the mask is not address state).
 *
 * Timing depends on addresses only, never on data, so functional and timing-only runs agree. The work
 * is split: decode (bankCheckOf) turns the instruction's operand layouts (isa/shapes.ts) into row
 * offsets once; at run time (bankExtraCycles) only the operands' base addresses vary, and the answer
 * depends only on their bank offsets from each other, which a small per-instruction memo keys on.
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
  /** repeats after which every operand is back at the same bank offsets (<= repeats) */
  readonly period: number;
  /** extra cycles by the operands' bank offsets from the first operand */
  readonly memo: Map<number, number>;
}

/** The memo is keyed by bank offsets, so it is bounded by banks^(operands - 1); this caps it anyway. */
const MEMO_LIMIT = 4096;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

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
 * the instruction is not a vector instruction with UB operands, or its only operand conflicts the same
 * way wherever it is placed and does not conflict.
 */
export function bankCheckOf(shape: InsnShape, family: Family, memBufs: readonly string[], cfg: HwConfig): BankCheck | null {
  const params = cfg.banks.ub;
  const roles = ROLES[family];
  if (params === null || roles === undefined || shape.kind !== 'vector') return null;
  const repeats = shape.repeats;
  const operands: OperandRows[] = [];
  const banks = params.groups * params.banksPerGroup;
  let period = 1;
  shape.operands.forEach((layout, mem) => {
    const role = roles[mem];
    if (role === undefined || memBufs[mem] !== 'UB' || layout === 0 || repeats === 0) return;
    const spans: number[] = [];
    let repeatStride = -1;
    let total = 0;
    if (typeof layout === 'number') {
      total = layout; // split over the repeats: repeat r touches its share of the bytes
      period = repeats;
    } else {
      spansOf(layout.each, 0, spans);
      repeatStride = layout.stride;
      // rows move by stride / rowBytes banks per repeat: back where they started after banks / gcd repeats
      const step = repeatStride % params.rowBytes === 0 ? (repeatStride / params.rowBytes) % banks : -1;
      const own = step < 0 ? repeats : banks / gcd(banks, step);
      period = (period * own) / gcd(period, own);
    }
    operands.push({ mem, reads: role !== 'write', writes: role !== 'read', spans: Int32Array.from(spans), repeatStride, total });
  });
  if (operands.length === 0) return null;
  const check: BankCheck = { params, operands, repeats, period: Math.min(period, repeats), memo: new Map() };
  // one operand: its conflicts do not depend on where it is (every row shifts by the same banks)
  if (operands.length === 1 && conflictCycles(check, [0]) === 0) return null;
  return check;
}

// scratch counters, reused: the engine is single-threaded and a check finishes before the next starts
let groupReads = new Int32Array(0);
let groupWrites = new Int32Array(0);
let bankAccesses = new Int32Array(0);
const baseRows: number[] = [];

/** Extra cycles of the instruction with its operands' base rows at `rows` (one per operand). */
function conflictCycles(check: BankCheck, rows: readonly number[]): number {
  const { groups, banksPerGroup, rowBytes, conflictCycles: penalty } = check.params;
  const banks = groups * banksPerGroup;
  if (bankAccesses.length < banks) {
    groupReads = new Int32Array(groups);
    groupWrites = new Int32Array(groups);
    bankAccesses = new Int32Array(banks);
  }
  let perPeriod = 0;
  let firstPart = 0; // the sum over the repeats of the last, partial period
  const partial = check.repeats % check.period;
  for (let r = 0; r < check.period; r++) {
    groupReads.fill(0, 0, groups);
    groupWrites.fill(0, 0, groups);
    bankAccesses.fill(0, 0, banks);
    let worst = 0;
    for (let i = 0; i < check.operands.length; i++) {
      const o = check.operands[i]!;
      const base = rows[i]!;
      let lo: number;
      let hi: number;
      const count = o.repeatStride < 0 ? 1 : o.spans.length / 2;
      for (let s = 0; s < count; s++) {
        if (o.repeatStride < 0) {
          lo = Math.floor((r * o.total) / check.repeats);
          hi = Math.floor(((r + 1) * o.total) / check.repeats);
          if (hi <= lo) continue;
        } else {
          lo = o.spans[2 * s]! + r * o.repeatStride;
          hi = o.spans[2 * s + 1]! + r * o.repeatStride;
        }
        for (let row = Math.floor(lo / rowBytes), last = Math.floor((hi - 1) / rowBytes); row <= last; row++) {
          const bank = (((base + row) % banks) + banks) % banks;
          const group = bank % groups;
          if (o.reads) worst = Math.max(worst, ++groupReads[group]!, ++bankAccesses[bank]!);
          if (o.writes) worst = Math.max(worst, ++groupWrites[group]!, ++bankAccesses[bank]!);
        }
      }
    }
    const extra = worst > 1 ? (worst - 1) * penalty : 0;
    perPeriod += extra;
    if (r < partial) firstPart += extra;
  }
  return Math.floor(check.repeats / check.period) * perPeriod + firstPart;
}

/**
 * Extra cycles of a vector instruction from UB bank conflicts, with its mem operands at `addr` (the
 * queue entry's resolved addresses). Bases are whole rows: banks.ub.rowBytes is at most the UB alignment.
 */
export function bankExtraCycles(check: BankCheck, addr: Float64Array): number {
  const { groups, banksPerGroup, rowBytes } = check.params;
  const banks = groups * banksPerGroup;
  const ops = check.operands;
  const first = Math.floor(addr[ops[0]!.mem]! / rowBytes);
  let key = 0;
  baseRows.length = ops.length;
  baseRows[0] = 0;
  for (let i = 1; i < ops.length; i++) {
    const offset = (((Math.floor(addr[ops[i]!.mem]! / rowBytes) - first) % banks) + banks) % banks;
    baseRows[i] = offset;
    key = key * banks + offset;
  }
  const known = check.memo.get(key);
  if (known !== undefined) return known;
  const extra = conflictCycles(check, baseRows);
  if (check.memo.size >= MEMO_LIMIT) check.memo.clear();
  check.memo.set(key, extra);
  return extra;
}
