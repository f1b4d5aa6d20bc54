/**
 * Validation and derivation: HwParams (plain data) -> HwConfig (checked, derived, frozen).
 * Every problem is reported with the field's dotted path and what a legal value looks like.
 */
import { PIPES, QUANT_MODES } from '../../isa/types.js';
import { DTYPES } from '../../isa/numeric/dtype.js';
import { CORE_KINDS, ON_CHIP_BUFFERS, PATHS, VEC_CLASSES, type HwConfig, type HwParams } from './types.js';

/** A configuration problem; the message names the field and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Check = (path: string, v: unknown) => void;
const fail = (path: string, what: string): never => {
  throw new ConfigError(`config field ${path} ${what}`);
};
const posInt: Check = (p, v) => {
  if (!Number.isSafeInteger(v) || (v as number) <= 0) fail(p, `must be a positive integer, got ${JSON.stringify(v)}`);
};
const nonNegInt: Check = (p, v) => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) fail(p, `must be a non-negative integer, got ${JSON.stringify(v)}`);
};
const posNum: Check = (p, v) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(p, `must be a positive number, got ${JSON.stringify(v)}`);
};
const oneOf =
  (legal: readonly unknown[]): Check =>
  (p, v) => {
    if (!legal.includes(v)) fail(p, `must be one of ${legal.join(', ')}, got ${JSON.stringify(v)}`);
  };
const isPow2 = (v: number) => (v & (v - 1)) === 0;

function checkParams(h: HwParams): void {
  if (typeof h.name !== 'string' || h.name === '') fail('name', 'must be a non-empty string');
  nonNegInt('arch', h.arch);
  posNum('clockMHz', h.clockMHz);
  oneOf(['coupled', 'separated'])('organisation', h.organisation);
  posInt('cores', h.cores);
  nonNegInt('aivPerAic', h.aivPerAic);
  const kinds = h.organisation === 'coupled' ? (['coupled'] as const) : (['aic', 'aiv'] as const);
  if (h.organisation === 'separated') posInt('aivPerAic', h.aivPerAic);
  for (const k of Object.keys(h.coreKinds ?? {})) oneOf(CORE_KINDS)(`coreKinds.${k}`, k);
  for (const kind of kinds) {
    const ck = h.coreKinds?.[kind];
    if (!ck) fail(`coreKinds.${kind}`, `is required for a ${h.organisation} chip`);
    const c = ck!;
    if (!Array.isArray(c.pipes) || !c.pipes.includes('S')) fail(`coreKinds.${kind}.pipes`, 'must be a list of pipes including S');
    c.pipes.forEach((p, i) => oneOf(PIPES)(`coreKinds.${kind}.pipes[${i}]`, p));
    for (const [b, bp] of Object.entries(c.buffers ?? {})) {
      oneOf(ON_CHIP_BUFFERS)(`coreKinds.${kind}.buffers`, b);
      posInt(`coreKinds.${kind}.buffers.${b}.bytes`, bp?.bytes);
      posInt(`coreKinds.${kind}.buffers.${b}.align`, bp?.align);
      if (!isPow2(bp!.align)) fail(`coreKinds.${kind}.buffers.${b}.align`, `must be a power of two, got ${bp!.align}`);
      if (bp!.bytes % bp!.align !== 0) fail(`coreKinds.${kind}.buffers.${b}.bytes`, `must be a multiple of its alignment ${bp!.align}`);
    }
  }
  posInt('eventIds', h.eventIds);
  if (h.eventIds > 16) fail('eventIds', 'must be at most 16 (the ISA encodes ids 0..15)');
  posInt('queueDepth', h.queueDepth);
  nonNegInt('scalar.aluCycles', h.scalar?.aluCycles);
  nonNegInt('scalar.branchTakenCycles', h.scalar?.branchTakenCycles);
  posInt('scalar.issueCycles', h.scalar?.issueCycles);
  for (const f of ['m0', 'n0', 'k0Bytes', 'fp32Slowdown'] as const) posInt(`cube.${f}`, h.cube?.[f]);
  nonNegInt('cube.fixedLatency', h.cube.fixedLatency);
  if (!Array.isArray(h.cube.dtypePairs)) fail('cube.dtypePairs', 'must be a list of [aType, bType] pairs');
  h.cube.dtypePairs.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail(`cube.dtypePairs[${i}]`, 'must be a pair [aType, bType]');
    pair.forEach((d, j) => oneOf(DTYPES)(`cube.dtypePairs[${i}][${j}]`, d));
  });
  if (!Array.isArray(h.fixpipe?.quantModes)) fail('fixpipe.quantModes', 'must be a list of quant modes');
  h.fixpipe.quantModes.forEach((q, i) => oneOf(QUANT_MODES)(`fixpipe.quantModes[${i}]`, q));
  posNum('gm.chipBytesPerCycle', h.gm?.chipBytesPerCycle);
  posNum('gm.coreBytesPerCycle', h.gm?.coreBytesPerCycle);
  for (const p of PATHS) {
    nonNegInt(`paths.${p}.fixedLatency`, h.paths?.[p]?.fixedLatency);
    posNum(`paths.${p}.bytesPerCycle`, h.paths?.[p]?.bytesPerCycle);
    nonNegInt(`paths.${p}.minCycles`, h.paths?.[p]?.minCycles);
  }
  for (const k of Object.keys(h.paths)) oneOf(PATHS)('paths', k);
  for (const v of VEC_CLASSES) {
    nonNegInt(`vector.classes.${v}.minCycles`, h.vector?.classes?.[v]?.minCycles);
    posInt(`vector.classes.${v}.cyclesPerRepeat`, h.vector?.classes?.[v]?.cyclesPerRepeat);
  }
  for (const k of Object.keys(h.vector.classes)) oneOf(VEC_CLASSES)('vector.classes', k);
  if (typeof h.features?.nd2nz !== 'boolean') fail('features.nd2nz', 'must be true or false');
}

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
};

/** Validates `params` and returns the frozen configuration with derived values. */
export function deriveConfig(params: HwParams): HwConfig {
  checkParams(params);
  const copy = structuredClone(params);
  const c = copy.cube;
  const totalCores = copy.organisation === 'coupled' ? copy.cores : copy.cores * (1 + copy.aivPerAic);
  return deepFreeze({
    ...copy,
    derived: {
      macsPerCycleInt8: c.m0 * c.n0 * c.k0Bytes,
      macsPerCycleF16: (c.m0 * c.n0 * c.k0Bytes) / 2,
      totalCores,
    },
  });
}
