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
 * Logs one L1 streaming interval of core `c` (a read: `tag` its pipe; a write: -1 - its pipe) once the
 * interval is final, and adds its overlap with every logged access of the other kind from another pipe
 * that shares a (bank, group) pair to the reading pipe's l1BankOverlapCycles. Each pair is counted once,
 * when the later of the two is logged, from the two final intervals: so the count does not depend on
 * the order the engine processes them in (run-ahead or not). `horizon`: nothing logged from now on can
 * start before it, so what ended by then is dropped.
 */
export function logL1(c: CoreState, start: number, end: number, span: number, tag: number, horizon: number): void {
  const log = c.l1Log;
  const isRead = tag >= 0;
  let k = 0;
  for (let i = 0; i < log.length; i += 4) {
    const s0 = log[i]!;
    const e0 = log[i + 1]!;
    const span0 = log[i + 2]!;
    const t0 = log[i + 3]!;
    if (t0 >= 0 !== isRead && (span0 & span) !== 0) {
      const readPipe = isRead ? tag : t0;
      const v = Math.min(end, e0) - Math.max(start, s0);
      if (v > 0 && readPipe !== -1 - (isRead ? t0 : tag)) c.pipes[readPipe]!.l1BankOverlapCycles += v;
    }
    if (e0 <= horizon) continue; // nothing logged later can overlap it
    if (k !== i) {
      log[k] = s0;
      log[k + 1] = e0;
      log[k + 2] = span0;
      log[k + 3] = t0;
    }
    k += 4;
  }
  if (k === log.length) {
    log.push(start, end, span, tag);
    return;
  }
  log[k] = start;
  log[k + 1] = end;
  log[k + 2] = span;
  log[k + 3] = tag;
  log.length = k + 4;
}
