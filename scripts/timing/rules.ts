/**
 * Section 1 of docs/timing-model.md: the timing rules in words. They restate hw/engine/chip.ts,
 * hw/engine/bandwidth.ts and hw/timing/cost.ts; the table of data movements (pipe and path of each
 * instruction) is read from the opcode rows, so it follows the ISA.
 */
import { pathsOfRow } from '../../isa/families.js';
import { COPY_FAMILIES, MNEMONICS, OPCODES, type CopyFamily } from '../../isa/opcodes.js';
import { code, mdTable } from './markdown.js';

/** Bytes a data movement of each family moves (its shape in isa/shapes.ts); a new copy family must say. */
export const BYTES_OF: Readonly<Record<CopyFamily, string>> = {
  dma: 'blockCount x blockLen (gaps move nothing)',
  nd2nz: 'nValue x dValue x element size',
  load2d: 'repeat x 512 (whole fractals)',
  load3d: 'ceil(mExtension / 16) x ceil(kExtension / C0) x 512, C0 = 32 B / element size',
  fixpipe: 'm x n x 4: L0C bytes read, whatever the output type',
  'l0c-ub': 'blockCount x blockLen x 1024 (whole Nz fractals)',
  'l0c-ub-deq': 'blockCount x blockLen x 1024 L0C bytes read (f16 written: half of that)',
  'l0c-ub-vdeq': 'blockCount x blockLen x 1024 L0C bytes read (f16 written: half of that)',
  'l0c-ub-f322f16': 'blockCount x blockLen x 1024 L0C bytes read (f16 written: half of that)',
  'ub-l0c-bcast': 'blockCount x blockLen x 256 x element bytes written to L0C',
};

const isCopyFamily = (f: string): f is CopyFamily => (COPY_FAMILIES as readonly string[]).includes(f);

/** One row per data-movement opcode, in table order, with the pipe and path(s) its row names. */
function moveRows(): string[][] {
  return MNEMONICS.flatMap((op) => {
    const spec = OPCODES[op];
    if (!isCopyFamily(spec.family)) return [];
    return [[code(op), spec.pipe, pathsOfRow(op).join(' or '), BYTES_OF[spec.family]]];
  });
}

export function rulesSection(): string {
  const moves = mdTable(['instructions', 'pipe', 'path', 'bytes'], moveRows());
  return `## 1. Rules

The engine is hw/engine/chip.ts (its header lists these rules), GM sharing is hw/engine/bandwidth.ts and
the per-instruction costs are hw/timing/cost.ts. Parameter names below are fields of the preset
(section 2).

### 1.1 Clock and events
- Time is an integer number of cycles. One discrete-event queue per run, ordered by (cycle, priority,
  sequence), drives every core; the engine jumps from event to event and never ticks idle cycles.
  \`clockMHz\` only converts cycles to time in traces and reports.
- Timing never depends on tensor values: functional and timing-only runs give the same cycles. Pipes
  may run ahead of the global clock through work whose timing cannot depend on other units (an engine
  optimisation); turning that off changes nothing.
- A core finishes when it has executed \`end\` and every pipe has drained and completed; a run's cycles
  are those of the last core to finish.

### 1.2 Scalar unit and queues
- Scalar instructions execute in order on the scalar unit: \`scalar.aluCycles\` each (\`end\` included),
  plus \`scalar.branchTakenCycles\` for a taken branch.
- Every other instruction is issued into its pipe's queue in \`scalar.issueCycles\`. A queue holds
  \`queueDepth\` instructions: an instruction can be issued once the one \`queueDepth\` places before it
  in the same queue has started; until then the scalar unit stalls.
- \`set_flag\` / \`wait_flag\` with pipe S, \`cross_wait S\` and \`barrier_all\` are executed by the
  scalar unit itself; a wait stops it until the flag arrives.

### 1.3 Pipes
- S, MTE1, MTE2, MTE3, M, V and FIX execute their queues in order and in parallel with each other.
- The head of a queue starts at the latest of: now, the end of the previous instruction's occupancy,
  its own issue cycle.
- An instruction occupies its pipe for \`occupancy\` cycles and completes at
  \`max(previous completion on the pipe, start + occupancy + latency, start + minCycles)\`: completions are
  in order per pipe, and the next instruction may start before the previous one completes (a program
  that reads a result on the same pipe needs \`pipe_barrier\`, as on the hardware).
- Functional effects apply when an instruction starts; a correctly synchronised program cannot tell.

### 1.4 Data paths
A data movement moves a number of bytes on one path:

${moves}

On an idle chip a transfer costs \`max(minCycles, fixedLatency + ceil(bytes / rate))\` cycles: it occupies
its pipe for the streaming time \`ceil(bytes / rate)\` (at least 1) and completes \`fixedLatency\` later.
\`rate\` is the path's \`bytesPerCycle\`; on a GM path (one that reads or writes GM) it is also capped by
the core's GM port \`gm.coreBytesPerCycle\` and the chip's L2 \`l2.chipBytesPerCycle\`, and, for the
bytes that miss the L2, by HBM (section 1.5). The fixpipe moves the bytes it writes (1 per int8
element) but its own rate counts the L0C bytes it reads (4 per element): its cycles do not depend on the
output type, the GM bandwidth it takes does.

### 1.5 L2 cache, HBM and shared GM bandwidth
- Every GM access goes through the chip's L2 (hw/memory/l2-cache.ts), shared by all cores: \`l2.bytes\`
  in lines of \`l2.lineBytes\`, \`l2.ways\`-way set-associative, least recently used replaced; the set of
  a line is its index folded with its higher bits. Residency is by address only, so timing-only and
  functional runs hit and miss alike. Line size, ways and replacement are not public: chosen (presets).
- At the start of a GM transfer the L2 looks up every line its GM operand touches, in address order. A
  read that hits is served by the L2; a read that misses allocates the line and fills all of it from HBM.
  A write (MTE3, fixpipe) allocates without a fill and marks the line dirty (write-back,
  write-allocate). Evicting a dirty line writes it back to HBM. With \`l2.mode: disabled\` nothing is
  cached: every byte read or written is an HBM byte.
- \`set_l2_hint disable\` (Ascend C \`SetL2CacheHint\`) makes the GM transfers the core issues after it
  bypass the L2: a line already resident still serves them, but none is allocated, so a missing read
  costs its own bytes from HBM (no line fill) and a missing write goes straight to HBM.
  \`set_l2_hint normal\` (the state at launch) restores allocation. The hint is per core, costs
  \`scalar.aluCycles\`, and is taken when the transfer is issued, not when its pipe starts it.
- A transfer's HBM draw is \`hbm = (line fills + write-backs it causes) / bytes\` per byte it moves.
- GM transfers that overlap in time share bandwidth max-min fairly: the chip's L2 bandwidth is split among
  the cores with active GM transfers (a core asks for the sum of its transfers' path rates, at most its
  port), then each core's share is split among its transfers (each at most its path rate). A core's
  HBM draw (the sum of rate x hbm of its transfers) is capped by \`gm.coreMissBytesPerCycle\`, and the
  chip's HBM \`gm.chipBytesPerCycle\` is split max-min fairly among the cores' draws; a core over either
  limit slows its HBM-drawing transfers in proportion (its hit-only transfers keep their rate; what the
  others give up is not redistributed: a simplification).
- A lone transfer streams at \`min(path, port, L2, min(coreMiss, HBM) / hbm)\`: a read of whole lines
  that all miss streams at most at the core's miss rate; the same read on a warm L2 at the path's rate.
- The L2 lives across launches when the caller passes it on (\`Launch.l2\`): the next launch starts
  warm; otherwise each launch starts flushed. Dirty lines left at the end are reported, not charged.
- Rates are recomputed whenever a GM transfer starts or ends. A transfer ends at the first whole cycle
  by which all its bytes have streamed, then completes \`fixedLatency\` later.
- Sharing knows nothing about which transfer is critical. This is why more bandwidth or a faster unit can
  make a program slower (section 4).

### 1.6 Cube
- \`mmad m, k, n\` occupies M for one cycle per 16 x K0 x 16 fractal step, \`ceil(m / 16) x ceil(k / K0) x
  ceil(n / 16)\` cycles, times \`cube.fp32Slowdown\` for f32 inputs, with \`K0 = cube.k0Bytes / element size\`
  (32 for int8, 16 for f16, 8 for f32), and completes \`cube.fixedLatency\` cycles later. The 16-row
  fractals are the ISA's (isa/shapes.ts); the footprint check reads the same fractal counts.
- Statistics count \`m x k x n\` MACs and their ideal cycles \`MACs / (16 x 16 x K0)\` (times the f32
  slowdown): the compute lower bound no run can beat.

### 1.7 Vector
- A vector instruction of \`r\` repeats occupies V for \`max(1, r) x cyclesPerRepeat\` of its class and
  completes no earlier than \`minCycles\` after it starts (no latency beyond that). Each opcode's class is in
  section 2.5; a mask change costs one repeat of class \`mask\`.
- UB bank conflicts (presets with \`banks.ub\`: ascend910b and tiny-sep; docs/hardware.md §UB and L1 banks).
  The UB is rows of \`rowBytes\` (32 B): row n is in bank group n mod \`groups\` (16), and in bank
  n / (\`groups\` x \`bankRows\`) of its group (on 2201 each of a group's 3 banks is one 64 KiB block). This
  map is inferred from the vendor's worked examples (0x10000 in bank 16, 0x10020 in bank 17, 0x20020 in
  bank 33, a group being banks b, b + 16 and b + 32); it is not published as a map. In one cycle a group
  serves one read and one write, and a bank one access. The accesses of one repeat (its source rows read,
  its destination rows written) are served in k cycles, k the largest number of reads of one group,
  writes of one group or accesses of one bank; the repeat occupies V \`(k - 1) x conflictCycles\` cycles
  more, counted as the stall reason \`bank\` of V. The vendor gives 8 cycles a repeat for 8 blocks in one
  group, hence \`conflictCycles\` 1.
- Choices in that rule (not published): a repeat's reads are compared with its own writes, so an in-place
  instruction (dst = src) conflicts, while vaxpy's read and write of its own destination count once at the
  bank (they are in its fitted cost); every block counts whatever the mask; the fitted class costs are
  taken as conflict-free (the measuring layouts of section 3 have no conflict). 910 and 310P have no
  public bank structure, so no conflicts there (\`banks.ub\` null).
- L1 bank conflicts (presets with \`banks.l1\`: ascend910b and tiny-sep). The L1 of 2201 is 16 banks of
  32 KiB in 8 groups of 2 with the map {BANK[0], DEPTH[9:0], BG[2:0], WIDTH[4:0]}: 32 B rows walk through
  the groups and address bit 18 picks the bank of a group; a bank serves one read or one write a cycle.
  No instruction reads and writes L1 itself, so conflicts are between pipes: when an L1 read (MTE1's
  loads, the L1 -> BT / FB copies) starts, each L1 write another pipe of the core still streams (an
  MTE2 GM -> L1 transfer until its predicted end, a fixpipe into L1 until its occupancy ends) that
  touches one of the read's (bank, group) pairs overlaps it for min(read occupancy, write's remaining
  time) cycles: counted as \`l1BankOverlap\`, and charged \`banks.l1.conflictCycles\` each as the stall
  reason \`bank\`. No penalty is published, so the presets charge 0 and a \`--config\` prices it. Such reads
  start on the clock (no run-ahead), so the overlap is the same in every mode. Not modelled: the write
  slowing down, and a write that starts while a read streams.
- Not modelled: costs that differ by data type within a class.

### 1.8 Synchronisation
- \`set_flag src, dst, id\` sets its flag once every earlier instruction of \`src\` has completed, without
  blocking \`src\`; \`wait_flag src, dst, id\` holds \`dst\` until the flag is set, then clears it. Neither
  occupies its pipe. \`eventIds\` ids exist per pipe pair; setting a flag that is still set is an error.
- \`pipe_barrier P\` holds P until all earlier P work has completed; \`barrier_all\` holds the scalar unit
  until every pipe has drained and completed.
- Separated chips: \`cross_set P, id\` increments flag \`id\` on the other cores of the group (an AIC and its
  AIVs) once P's earlier work has completed; \`cross_wait P, id\` holds P while the count is 0, then
  decrements it. More than 15 pending sets is an error (the hardware saturates).

### 1.9 Not modelled
the cost of L1 bank conflicts (counted, charged 0: none is published), UB bank conflicts between instructions of different pipes
(MTE2 or MTE3 against V) and on 910 and 310P, the instruction cache, L2 and HBM latency (only their
bandwidths are modelled), L2 bank structure, the split of GM traffic into 128/256/512 B requests
(measured transfers reach full bandwidth only from about 16 KiB), same-address serialisation between
cores, the fixpipe's shift / int16 mode, per-dtype vector costs within a class, and the cost of
\`set_flag\` / \`wait_flag\` themselves beyond their issue.
`;
}
