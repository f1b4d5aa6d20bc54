/**
 * L1 bank conflicts between pipes (docs/hardware.md §UB and L1 banks; the rule is in
 * docs/timing-model.md, section 1.7). A bank serves one read or one write per cycle, and within a
 * group one bank may read while the other writes: so a read that streams while another pipe of the
 * core writes into one of the same banks shares that bank with it. No instruction reads and writes L1
 * itself (tested), so L1 conflicts are always between pipes.
 *
 * What is modelled: every L1 read (MTE1's loads, the L1 -> BT / FB copies) and write (an MTE2
 * GM -> L1 transfer, a fixpipe into L1) is logged with its streaming interval and its (bank, group)
 * pairs (logL1); the cycles each read streamed beside writes of other pipes to one of its pairs are
 * counted (`l1BankOverlap`) from the actual intervals, so the count is the same in every engine mode. A priced conflict (`conflictCycles` > 0; 0 on the presets: no penalty is
 * published) lengthens a read when it starts, by that many cycles for each cycle of overlap with the
 * writes streaming then (until their predicted end). The writer is not slowed, and a read already
 * streaming when a write starts is not charged: both simplifications.
 *
 * Address map (the UB's): row = addr / rowBytes is in group row mod groups, and in bank
 * row / (groups x bankRows) mod banksPerGroup of that group.
 */
import type { L1BankParams } from '../config/types.js';
import type { CoreState } from '../engine/core-state.js';

/** The (bank, group) pairs a range touches: bit (bank * groups + group). */
export function l1Span(b: L1BankParams, addr: number, bytes: number): number {
  if (bytes <= 0) return 0;
  const firstRow = Math.floor(addr / b.rowBytes);
  const lastRow = Math.floor((addr + bytes - 1) / b.rowBytes);
  const perBank = b.groups * b.bankRows;
  const block = Math.floor(firstRow / perBank);
  // the usual case: within one bank block, and at least a row in every group
  if (lastRow - firstRow + 1 >= b.groups && Math.floor(lastRow / perBank) === block) return ((1 << b.groups) - 1) << ((block % b.banksPerGroup) * b.groups);
  const full = 2 ** (b.groups * b.banksPerGroup) - 1;
  let mask = 0;
  // a bank's rows are contiguous: walk the bank blocks the range crosses, and the groups within each
  for (let row = firstRow; row <= lastRow; ) {
    const bank = Math.floor(row / perBank) % b.banksPerGroup;
    const blockEnd = Math.min(lastRow, (Math.floor(row / perBank) + 1) * perBank - 1);
    const rows = blockEnd - row + 1;
    const groups = rows >= b.groups ? (1 << b.groups) - 1 : groupMask(b.groups, row % b.groups, rows);
    mask |= groups << (bank * b.groups);
    row = blockEnd + 1;
    if (mask === full) break;
  }
  return mask;
}

/** Groups start, start + 1, ... (`count` < groups of them, wrapping). */
function groupMask(groups: number, start: number, count: number): number {
  let m = 0;
  for (let i = 0; i < count; i++) m |= 1 << ((start + i) % groups);
  return m;
}

/**
 * Logs one L1 streaming interval of core `c` once it is final (`pipe`: the reading or writing pipe),
 * and adds its overlap with every logged access of the other kind from another pipe that shares a
 * (bank, group) pair to the reading pipe's l1BankOverlapCycles. Each pair is counted once, when the
 * later of the two is logged, from the two final intervals: so the count does not depend on the order
 * the engine processes them in (run-ahead or not). `horizon`: nothing logged from now on can start
 * before it, so what ended by then is dropped from the other kind's log.
 */
export function logL1(c: CoreState, isRead: boolean, start: number, end: number, span: number, pipe: number, horizon: number): void {
  const others = isRead ? c.l1Writes : c.l1Reads;
  let k = 0;
  for (let i = 0; i < others.length; i += 4) {
    const s0 = others[i]!;
    const e0 = others[i + 1]!;
    const span0 = others[i + 2]!;
    const pipe0 = others[i + 3]!;
    if ((span0 & span) !== 0 && pipe0 !== pipe) {
      const v = Math.min(end, e0) - Math.max(start, s0);
      if (v > 0) c.pipes[isRead ? pipe : pipe0]!.l1BankOverlapCycles += v;
    }
    if (e0 <= horizon) continue; // nothing logged from now on can overlap it
    if (k !== i) {
      others[k] = s0;
      others[k + 1] = e0;
      others[k + 2] = span0;
      others[k + 3] = pipe0;
    }
    k += 4;
  }
  if (k !== others.length) others.length = k;
  const mine = isRead ? c.l1Reads : c.l1Writes;
  // long runs of one kind (reads with no write between) would grow the log: drop what has ended
  if (mine.length >= PRUNE_AT) prune(mine, horizon);
  mine.push(start, end, span, pipe);
}

/** Entries a log holds before it drops the ones that have ended. */
const PRUNE_AT = 256;

function prune(log: number[], horizon: number): void {
  let k = 0;
  for (let i = 0; i < log.length; i += 4) {
    if (log[i + 1]! <= horizon) continue;
    for (let j = 0; j < 4; j++) log[k + j] = log[i + j]!;
    k += 4;
  }
  log.length = k;
}
