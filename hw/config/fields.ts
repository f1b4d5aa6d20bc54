/**
 * The configuration schema, declared once: every field of HwParams with its unit, legal values,
 * meaning and where preset values come from. Validation (derive.ts) checks a config against this
 * table and docs/config.md is generated from it (scripts/config-doc.ts, kept current by
 * test/config-doc.test.ts), so messages, docs and checks cannot drift apart. The numbers of each
 * preset, with the source of each, stay in presets.ts.
 */
import { PIPES, QUANT_MODES } from '../../isa/types.js';
import { DTYPES } from '../../isa/numeric/dtype.js';
import { CORE_KINDS, L2_MODES, ON_CHIP_BUFFERS, PATHS, VEC_CLASSES, type CoreKind, type HwParams } from './types.js';

/** What is wrong with a value: `at` is appended to the field's path (a list index), `what` follows it. */
export interface Problem {
  readonly at: string;
  readonly what: string;
}

/** A kind of value: what a legal one looks like, and its check. */
export interface ValueKind {
  /** legal values in a few words, for the docs' "legal values" column */
  readonly range: string;
  /** undefined for a legal value, else what is wrong ("must be ..., got ...") */
  readonly check: (v: unknown) => Problem | undefined;
  /** the largest legal value of a number, with its reason (docs/config.md lists them) */
  readonly max?: Max;
  /** a section that may be null: its own fields are then absent and not checked */
  readonly nullable?: true;
}

const got = (v: unknown) => `, got ${JSON.stringify(v)}`;
const problem = (what: string, at = ''): Problem => ({ at, what });

/** The largest legal value of a number and why: every number has one, so no value is unbounded. */
export interface Max {
  readonly value: number;
  readonly why: string;
}

const atMost = (v: unknown, max: Max): Problem | undefined => ((v as number) > max.value ? problem(`must be at most ${max.value} (${max.why})${got(v)}`) : undefined);

/** A safe integer in min..max (min 0 or 1; the reason for max in its `why`). */
export const int = (min: 0 | 1, max: Max): ValueKind => {
  const legal = min === 0 ? 'a non-negative integer' : 'a positive integer';
  return {
    range: `integer ${min}..${max.value}`,
    max,
    check: (v) => (!Number.isSafeInteger(v) || (v as number) < min ? problem(`must be ${legal}${got(v)}`) : atMost(v, max)),
  };
};

/** A finite number > 0 and at most max (rates may be fractional). */
export const positive = (max: Max): ValueKind => ({
  range: `number > 0, at most ${max.value}`,
  max,
  check: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? atMost(v, max) : problem(`must be a positive number${got(v)}`)),
});

/** A finite number >= 0 and at most max (times that may be zero). */
export const nonNegative = (max: Max): ValueKind => ({
  range: `number >= 0, at most ${max.value}`,
  max,
  check: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? atMost(v, max) : problem(`must be a non-negative number${got(v)}`)),
});

/** A power of two in 1..max (alignments). */
export const powerOfTwo = (max: Max): ValueKind => ({
  range: `power of two 1..${max.value}`,
  max,
  check: (v) => int(1, max).check(v) ?? (((v as number) & ((v as number) - 1)) === 0 ? undefined : problem(`must be a power of two${got(v)}`)),
});

/** One of a fixed list of names. */
export const oneOf = (legal: readonly string[]): ValueKind => ({
  range: `one of ${legal.join(', ')}`,
  check: (v) => (legal.includes(v as string) ? undefined : problem(`must be one of ${legal.join(', ')}${got(v)}`)),
});

export const bool: ValueKind = {
  range: 'true or false',
  check: (v) => (typeof v === 'boolean' ? undefined : problem(`must be true or false${got(v)}`)),
};

/** An object of fields, or null for "the chip has none of this" (`legal` names the object). */
export const sectionOrNull = (legal: string): ValueKind => ({
  range: `${legal}, or null`,
  nullable: true,
  check: (v) => (v === null || (typeof v === 'object' && !Array.isArray(v)) ? undefined : problem(`must be ${legal} or null${got(v)}`)),
});

/** A string; `nonEmpty` rejects ''. */
export const text = (nonEmpty: boolean): ValueKind => ({
  range: nonEmpty ? 'non-empty string' : 'string',
  check: (v) => (typeof v === 'string' && (!nonEmpty || v !== '') ? undefined : problem(`must be a ${nonEmpty ? 'non-empty ' : ''}string${got(v)}`)),
});

/** A list whose items are each of `item`; `legal` names the list in messages ("a list of ..."). */
export const listOf = (item: ValueKind, legal: string, range: string, whole: (v: unknown[]) => boolean = () => true): ValueKind => ({
  range,
  check: (v) => {
    if (!Array.isArray(v) || !whole(v)) return problem(`must be ${legal}`);
    for (let i = 0; i < v.length; i++) {
      const p = item.check(v[i]);
      if (p) return problem(p.what, `[${i}]${p.at}`);
    }
    return undefined;
  },
});

/** A pair [a, b] of `item`s. */
export const pairOf = (item: ValueKind, legal: string): ValueKind => ({
  range: legal,
  check: (v) => (Array.isArray(v) && v.length === 2 ? listOf(item, legal, legal).check(v) : problem(`must be ${legal}`)),
});

/**
 * Placeholders in field paths: a `<kind>` segment stands for each core kind the organisation needs
 * (`keys: 'organisation'`, each required), `<buffer>` for each buffer a core kind lists (`'present'`,
 * any subset), `<path>` and `<class>` for every name (`'all'`, each required). Keys outside `names`
 * are errors; `noun` names such a key in the message.
 */
export const PLACEHOLDERS = {
  kind: { names: CORE_KINDS, keys: 'organisation', noun: 'core kind', meaning: 'the core kinds the organisation needs: coupled on a coupled chip, aic and aiv on a separated one' },
  buffer: { names: ON_CHIP_BUFFERS, keys: 'present', noun: 'buffer', meaning: 'each buffer the core kind lists (a kind has only its own buffers)' },
  path: { names: PATHS, keys: 'all', noun: 'data path', meaning: 'every data path (all required)' },
  class: { names: VEC_CLASSES, keys: 'all', noun: 'vector class', meaning: 'every vector instruction class (all required)' },
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** One field of HwParams (a dotted path, possibly with placeholders). */
export interface Field {
  readonly path: string;
  readonly kind: ValueKind;
  /** unit of the value, '' for names, counts and flags */
  readonly unit: string;
  /** what the field means, in one line */
  readonly meaning: string;
  /** where preset values come from: a section of docs/hardware.md, a fit to docs/measured, or an assumption */
  readonly source: string;
}

const MiB = 1024 * 1024;

/**
 * The largest value of each kind of number. Each is plausible hardware with room to spare over every
 * preset (the reason says how much), and small enough that what it sizes stays bounded: core state
 * and queues per core, buffers a functional run allocates per core, cycle counts that stay exact.
 */
const MAX = {
  arch: { value: 9999, why: '__NPU_ARCH__ is a four-digit code' },
  clockMHz: { value: 10_000, why: '10 GHz, over 5x the fastest preset' },
  launchOverheadUs: { value: 10_000, why: '10 ms, 2000x the preset assumption: a launch gap longer than most networks' },
  cores: { value: 1024, why: '32x the largest preset; every core is simulated' },
  aivPerAic: { value: 16, why: '8x the 2 of arch 2201; every AIV is simulated' },
  bufferBytes: { value: 64 * MiB, why: '64x the largest on-chip buffer of any preset, an L1 of 1 MiB; a functional run allocates it per core' },
  align: { value: 64 * 1024, why: '64x the largest alignment of any preset, 1024 B' },
  queueDepth: { value: 1024, why: "32x the hardware's 32; every slot is allocated per pipe" },
  scalarCycles: { value: 1000, why: 'a scalar instruction takes a few cycles; 1000x the presets' },
  k0Bytes: { value: 1024, why: "32x the 32 B cube row of every generation" },
  fp32Slowdown: { value: 64, why: '16x the 4 of arch 2201' },
  latency: { value: 100_000, why: 'about 500x the longest preset latency, 193 cycles' },
  repeatCycles: { value: 1000, why: 'about 140x the slowest preset vector class, 7 cycles' },
  bandwidth: { value: 64 * 1024, why: 'about 16x the fastest preset figure, the 910B L2 at 3889 B/cycle' },
  l2Bytes: { value: 4096 * MiB, why: '21x the 192 MiB of the largest preset; residency state is allocated per line' },
  ways: { value: 64, why: '4x the 16 ways chosen for every preset; a lookup scans a set' },
  bankGroups: { value: 256, why: '16x the 16 UB bank groups of arch 2201; a conflict check counts accesses per group' },
  banksPerGroup: { value: 16, why: 'about 5x the 3 of arch 2201' },
  l1Groups: { value: 16, why: '2x the 8 L1 bank groups of arch 2201; a span is a bit mask of groups' },
  rowBytes: { value: 1024, why: '32x the 32 B bank row of arch 2201' },
  bankRows: { value: 1 << 16, why: '512x the 128 rows of a 2201 UB bank' },
  conflictCycles: { value: 1000, why: 'a conflict costs a cycle or a few; 1000x the preset choice' },
} as const satisfies Record<string, Max>;

const cycles = (meaning: string, min: 0 | 1, max: Max, source: string): Pick<Field, 'kind' | 'unit' | 'meaning' | 'source'> => ({ kind: int(min, max), unit: 'cycles', meaning, source });

const FIT_PATHS = 'fitted to docs/measured/dma.csv and load-repeat.csv (docs/timing-model.md); HW §Data paths';
const FIT_VECTOR = 'fitted to docs/measured/vector.csv (docs/timing-model.md); HW §Vector unit';
const BANKS = 'HW §UB and L1 banks';

/** Every field, in the order validation checks them. "HW §X" is section X of docs/hardware.md. */
export const FIELDS: readonly Field[] = [
  { path: 'name', kind: text(true), unit: '', meaning: 'preset name, as given to --preset', source: 'chosen' },
  { path: 'arch', kind: int(0, MAX.arch), unit: '', meaning: '__NPU_ARCH__ the preset models; 0 for synthetic presets', source: 'HW §Generations' },
  { path: 'description', kind: text(false), unit: '', meaning: 'one line for `aicore-sim presets`', source: 'chosen' },
  { path: 'clockMHz', kind: positive(MAX.clockMHz), unit: 'MHz', meaning: 'core clock; converts cycles to time', source: 'HW §Generations' },
  { path: 'launchOverheadUs', kind: nonNegative(MAX.launchOverheadUs), unit: 'us', meaning: 'time between two kernel launches of a network on one stream (task dispatch, core start-up), added per launch to a network\'s latency (`aicore-sim network`); no single kernel run uses it', source: 'assumed (docs/networks.md "Launch overhead": no public figure for back-to-back launches; 22-30 us on 910B3 and 75 us on 310P are the measured launch + synchronise round trip of a trivial kernel, an upper bound)' },
  { path: 'organisation', kind: oneOf(['coupled', 'separated']), unit: '', meaning: "'coupled' chips have only coupled cores, 'separated' chips AIC and AIV cores", source: 'HW §Core organisation' },
  { path: 'cores', kind: int(1, MAX.cores), unit: 'cores', meaning: 'coupled cores, or AIC cores on a separated chip', source: 'HW §Generations' },
  { path: 'aivPerAic', kind: int(0, MAX.aivPerAic), unit: 'cores', meaning: 'AIV cores per AIC on a separated chip (0 on coupled chips)', source: 'HW §Generations' },
  { path: 'coreKinds.<kind>.pipes', kind: listOf(oneOf(PIPES), 'a list of pipes including S', `list of ${PIPES.join(', ')}; includes S`, (v) => v.includes('S')), unit: '', meaning: 'pipes this kind of core has', source: 'HW §Core organisation' },
  { path: 'coreKinds.<kind>.buffers.<buffer>.bytes', kind: int(1, MAX.bufferBytes), unit: 'bytes', meaning: 'capacity of the buffer on one core of the kind', source: 'HW §Buffers' },
  { path: 'coreKinds.<kind>.buffers.<buffer>.align', kind: powerOfTwo(MAX.align), unit: 'bytes', meaning: 'every access to the buffer starts on a multiple of this', source: 'HW §Buffers' },
  { path: 'eventIds', kind: int(1, { value: 16, why: 'the ISA encodes ids 0..15' }), unit: 'ids', meaning: 'set_flag / wait_flag event ids per (src, dst) pipe pair', source: 'HW §Pipes and synchronisation' },
  { path: 'queueDepth', kind: int(1, MAX.queueDepth), unit: 'instructions', meaning: "depth of each pipe's queue; a full queue stalls the scalar unit", source: 'HW §Pipes and synchronisation' },
  { path: 'scalar.aluCycles', ...cycles('cycles per scalar ALU instruction (at least 1: a free instruction would let a loop run forever without the clock moving)', 1, MAX.scalarCycles, 'assumed (no public scalar timing)') },
  { path: 'scalar.branchTakenCycles', ...cycles('extra cycles when a branch is taken', 0, MAX.scalarCycles, 'assumed (no public scalar timing)') },
  { path: 'scalar.issueCycles', ...cycles('cycles the scalar unit spends issuing one instruction to another pipe (at least 1, as aluCycles)', 1, MAX.scalarCycles, 'assumed (no public scalar timing)') },
  { path: 'cube.k0Bytes', kind: int(1, MAX.k0Bytes), unit: 'bytes', meaning: 'bytes of K each cube row consumes per cycle: K0 = k0Bytes / element size (M0 = N0 = 16, fixed by the ISA)', source: 'HW §Cube unit' },
  { path: 'cube.fp32Slowdown', kind: int(1, MAX.fp32Slowdown), unit: 'x', meaning: 'f32 inputs run this many times slower than f16', source: 'HW §Cube unit' },
  { path: 'cube.fixedLatency', ...cycles('pipeline latency of an mmad after its last fractal', 0, MAX.latency, 'fitted to docs/measured/mmad.csv (docs/timing-model.md)') },
  { path: 'cube.dtypePairs', kind: listOf(pairOf(oneOf(DTYPES), 'a pair [aType, bType]'), 'a list of [aType, bType] pairs', `list of [aType, bType], types ${DTYPES.join(', ')}`), unit: '', meaning: 'legal mmad input type pairs', source: 'HW §Cube unit' },
  { path: 'fixpipe.quantModes', kind: listOf(oneOf(QUANT_MODES), 'a list of quant modes', `list of ${QUANT_MODES.join(', ')}`), unit: '', meaning: 'quant modes the fixpipe supports (empty on chips without a fixpipe)', source: 'HW §Fixpipe quantisation' },
  { path: 'gm.chipBytesPerCycle', kind: positive(MAX.bandwidth), unit: 'B/cycle', meaning: 'HBM / DDR bandwidth of the chip: L2 misses (whole lines), write-backs and bypassed bytes share it max-min fairly', source: 'HW §Chip memory system' },
  { path: 'gm.coreBytesPerCycle', kind: positive(MAX.bandwidth), unit: 'B/cycle', meaning: "one core's GM port, shared by that core's GM transfers (hits and misses)", source: 'HW §Data paths' },
  { path: 'gm.coreMissBytesPerCycle', kind: positive(MAX.bandwidth), unit: 'B/cycle', meaning: "the most HBM traffic one core's misses can draw", source: 'HW §Chip memory system (msKPP hit vs miss gap)' },
  { path: 'l2.mode', kind: oneOf(L2_MODES), unit: '', meaning: "normal: GM accesses go through the L2; disabled: every access goes to HBM, nothing is cached (a what-if)", source: 'HW §Chip memory system (SetL2CacheHint modes)' },
  { path: 'l2.bytes', kind: int(1, MAX.l2Bytes), unit: 'bytes', meaning: 'L2 capacity, shared by every core of the chip', source: 'HW §Chip memory system' },
  { path: 'l2.lineBytes', kind: powerOfTwo(MAX.align), unit: 'bytes', meaning: 'L2 line: residency, fills and write-backs are whole lines', source: 'chosen (not public)' },
  { path: 'l2.ways', kind: int(1, MAX.ways), unit: 'lines', meaning: 'lines per set (set-associative, LRU replacement)', source: 'chosen (not public)' },
  { path: 'l2.chipBytesPerCycle', kind: positive(MAX.bandwidth), unit: 'B/cycle', meaning: "chip-wide L2 bandwidth, shared by all cores' GM transfers", source: 'HW §Chip memory system' },
  { path: 'paths.<path>.fixedLatency', ...cycles('cycles from the end of streaming until the last byte lands', 0, MAX.latency, FIT_PATHS) },
  { path: 'paths.<path>.bytesPerCycle', kind: positive(MAX.bandwidth), unit: 'B/cycle', meaning: 'streaming rate of the path on one idle core', source: FIT_PATHS },
  { path: 'paths.<path>.minCycles', ...cycles('no transfer on the path completes in fewer cycles', 0, MAX.latency, FIT_PATHS) },
  { path: 'vector.classes.<class>.cyclesPerRepeat', ...cycles('cycles one repeat occupies the vector pipe', 1, MAX.repeatCycles, FIT_VECTOR) },
  { path: 'vector.classes.<class>.minCycles', ...cycles('no instruction of the class completes in fewer cycles', 0, MAX.latency, FIT_VECTOR) },
  { path: 'banks.ub', kind: sectionOrNull('an object of the fields below'), unit: '', meaning: 'UB bank structure; null: no UB bank conflicts are modelled (the structure is not public for 910 and 310P)', source: BANKS },
  { path: 'banks.ub.groups', kind: int(1, MAX.bankGroups), unit: 'groups', meaning: 'UB bank groups: two reads, or two writes, to one group in one repeat are serialised', source: BANKS },
  { path: 'banks.ub.banksPerGroup', kind: int(1, MAX.banksPerGroup), unit: 'banks', meaning: 'banks in each group: a read and a write to one bank in one repeat are serialised', source: BANKS },
  { path: 'banks.ub.bankRows', kind: int(1, MAX.bankRows), unit: 'rows', meaning: 'rows in one bank: after groups x bankRows rows the addresses move on to the next bank of each group (past the last bank they wrap to the first)', source: BANKS },
  { path: 'banks.ub.rowBytes', kind: powerOfTwo(MAX.rowBytes), unit: 'bytes', meaning: 'bytes of a bank row: consecutive rows go to consecutive bank groups', source: `${BANKS} (the address map is inferred from the vendor's examples)` },
  { path: 'banks.ub.conflictCycles', ...cycles('extra cycles a vector repeat takes per access serialised behind a bank conflict', 0, MAX.conflictCycles, `${BANKS} (8 blocks in one group: 8 cycles a repeat)`) },
  { path: 'banks.l1', kind: sectionOrNull('an object of the fields below'), unit: '', meaning: 'L1 bank structure; null: L1 bank conflicts are not modelled (the structure is not public for 910 and 310P)', source: BANKS },
  { path: 'banks.l1.groups', kind: int(1, MAX.l1Groups), unit: 'groups', meaning: 'L1 bank groups: consecutive rows go to consecutive groups', source: BANKS },
  { path: 'banks.l1.banksPerGroup', kind: int(1, MAX.banksPerGroup), unit: 'banks', meaning: 'banks in each L1 group: one read or one write per bank per cycle', source: BANKS },
  { path: 'banks.l1.bankRows', kind: int(1, MAX.bankRows), unit: 'rows', meaning: 'rows in one L1 bank: after groups x bankRows rows the addresses move on to the next bank of each group', source: BANKS },
  { path: 'banks.l1.rowBytes', kind: powerOfTwo(MAX.rowBytes), unit: 'bytes', meaning: 'bytes of an L1 bank row', source: BANKS },
  { path: 'banks.l1.conflictCycles', ...cycles('extra cycles of an L1 read per cycle it streams beside another pipe writing one of its banks (0: counted, not charged)', 0, MAX.conflictCycles, `${BANKS} (no penalty is published)`) },
  { path: 'features.nd2nz', kind: bool, unit: '', meaning: 'DataCopy GM -> L1 with ND -> NZ conversion exists', source: 'HW §Data movement instructions' },
  { path: 'features.enhancedL0cUb', kind: bool, unit: '', meaning: 'the L0C <-> UB path of a coupled core converts: the L0C -> UB copy dequantises s32 -> f16 (copy_l0c_ub_deq, copy_l0c_ub_vdeq) or converts f32 -> f16 (copy_l0c_ub_f322f16) on the way and UB vectors broadcast into L0C fractals (bcast_ub_l0c)', source: 'HW §L0C <-> UB on 310P' },
];

/** A rule that ties fields together, checked after every field is valid. */
export interface Rule {
  /** the fields it concerns, as in FIELDS */
  readonly fields: string;
  readonly rule: string;
  /** undefined when the rule holds, else the dotted path it fails at and what is wrong */
  readonly check: (h: HwParams) => { path: string; what: string } | undefined;
}

/** Lines an L2 may hold: 8 bytes of residency state each, so at most 128 MiB of it (192 MiB / 128 B lines is 1.5 M). */
const MAX_L2_LINES = 2 ** 24;

export const RULES: readonly Rule[] = [
  {
    fields: 'aivPerAic',
    rule: 'at least 1 on a separated chip',
    check: (h) => (h.organisation === 'separated' && h.aivPerAic < 1 ? { path: 'aivPerAic', what: `must be a positive integer on a separated chip${got(h.aivPerAic)}` } : undefined),
  },
  {
    fields: 'coreKinds.<kind>.buffers.<buffer>.bytes',
    rule: 'a multiple of the same buffer\'s align',
    check: (h) => {
      for (const kind of requiredKinds(h))
        for (const [b, p] of Object.entries(h.coreKinds[kind]!.buffers))
          if (p.bytes % p.align !== 0) return { path: `coreKinds.${kind}.buffers.${b}.bytes`, what: `must be a multiple of its alignment ${p.align}${got(p.bytes)}` };
      return undefined;
    },
  },
  {
    fields: 'l2.lineBytes',
    rule: 'at least 32 (a DataCopy block), and l2.bytes / l2.lineBytes at most 16777216 lines (the residency state holds 8 bytes a line)',
    check: (h) =>
      h.l2.lineBytes < 32
        ? { path: 'l2.lineBytes', what: `must be at least 32${got(h.l2.lineBytes)}` }
        : h.l2.bytes / h.l2.lineBytes > MAX_L2_LINES
          ? { path: 'l2.bytes', what: `holds ${h.l2.bytes / h.l2.lineBytes} lines of l2.lineBytes ${h.l2.lineBytes}: at most ${MAX_L2_LINES} (use larger lines or a smaller L2)` }
          : undefined,
  },
  {
    fields: 'l2.bytes',
    rule: 'a multiple of l2.lineBytes x l2.ways (whole sets)',
    check: (h) => (h.l2.bytes % (h.l2.lineBytes * h.l2.ways) !== 0 ? { path: 'l2.bytes', what: `must be a multiple of l2.lineBytes x l2.ways = ${h.l2.lineBytes * h.l2.ways}${got(h.l2.bytes)}` } : undefined),
  },
  {
    fields: 'banks.l1.groups',
    rule: 'groups x banksPerGroup at most 30 (a span of L1 banks is a bit mask)',
    check: (h) => (h.banks.l1 && h.banks.l1.groups * h.banks.l1.banksPerGroup > 30 ? { path: 'banks.l1.groups', what: `times banks.l1.banksPerGroup must be at most 30${got(h.banks.l1.groups * h.banks.l1.banksPerGroup)}` } : undefined),
  },
  {
    fields: 'banks.ub.rowBytes',
    rule: 'at most the UB alignment of every core kind with a UB, so every access starts on a bank row',
    check: (h) => {
      const row = h.banks.ub?.rowBytes;
      if (row === undefined) return undefined;
      for (const kind of requiredKinds(h)) {
        const ub = h.coreKinds[kind]!.buffers.UB;
        if (ub && row > ub.align) return { path: 'banks.ub.rowBytes', what: `must be at most the UB alignment ${ub.align} of ${kind} cores${got(row)}` };
      }
      return undefined;
    },
  },
];

/** Paths of the sections that may be null (their fields are then absent): validation and merging skip into them. */
export const NULLABLE_SECTIONS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.kind.nullable).map((f) => f.path));

/**
 * Fields that no longer exist, with what replaced them: a config file that still sets one gets
 * this reason in its "not a known field" error.
 */
export const REMOVED_FIELDS: Readonly<Record<string, string>> = {
  'cube.m0': "the cube's M0 is the ISA's 16 fractal rows (docs/hardware.md §Cube unit), not a preset field",
  'cube.n0': "the cube's N0 is the ISA's 16 fractal rows (docs/hardware.md §Cube unit), not a preset field",
};

/** Core kinds a chip of `h.organisation` must describe. */
export const requiredKinds = (h: Pick<HwParams, 'organisation'>): readonly CoreKind[] => (h.organisation === 'coupled' ? ['coupled'] : ['aic', 'aiv']);
