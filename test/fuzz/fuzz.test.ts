/**
 * Fuzzing (fast-check, fixed seeds: the same cases every run; FUZZ_RUNS=N with `npm run fuzz` for a
 * longer hunt). Whatever the input, nothing escapes but the project's typed errors; on programs that
 * run, timing-only and functional mode give the same cycles and the sanitizer the same verdict.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../isa/asm.js';
import { IsaError } from '../../isa/validate.js';
import { loadConfig } from '../../hw/config/load.js';
import { ConfigError } from '../../hw/config/derive.js';
import { SimError } from '../../hw/engine/errors.js';
import { simulate } from '../../hw/simulate.js';
import { OpError } from '../../ops-nn/kernel.js';
import { parseCases } from '../../scripts/lib/exec/parse.js';
import { execCases } from '../../scripts/lib/exec/exec-file.js';
import { parseManifest } from '../../scripts/lib/regress/manifest.js';
import { JobError } from '../../scripts/lib/job-error.js';
import { loadFixture } from '../support/fixtures.js';
import { anyJson, damaged, program, runs } from './arbitraries.js';

const TYPED = [IsaError, ConfigError, SimError, OpError, JobError];
/** Runs `f`; an error must be one of the project's typed errors with a one-line message. */
function typedOnly<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    expect(TYPED.some((cls) => e instanceof cls), `escaped: ${(e as Error).stack}`).toBe(true);
    expect((e as Error).message.length).toBeGreaterThan(0);
    return undefined;
  }
}

describe('random programs', () => {
  const presets = ['tiny', 'tiny-sep'] as const;
  it('assemble and run in both modes: typed errors only; the same cycles and sanitizer counts', () => {
    fc.assert(
      fc.property(program(12), fc.constantFrom(...presets), (text, preset) => {
        const cfg = loadConfig(preset);
        const prog = typedOnly(() => assemble(text, 'fuzz.s'));
        if (!prog) return;
        const programs = cfg.organisation === 'coupled' ? { coupled: prog } : { aiv: prog };
        const launch = (mode: 'timing' | 'functional') => () =>
          simulate({ config: cfg, programs, blockDim: 1, gm: mode === 'functional' ? new Uint8Array(1 << 16) : 1 << 16, mode, sanitize: true, maxCycles: 1 << 20 });
        const timing = typedOnly(launch('timing'));
        const functional = typedOnly(launch('functional'));
        expect(timing === undefined, 'both modes fail or both run').toBe(functional === undefined);
        if (timing && functional) {
          expect(functional.cycles).toBe(timing.cycles);
          expect(functional.sanitizer!.counts).toEqual(timing.sanitizer!.counts);
        }
      }),
      { seed: 7, numRuns: runs(500) },
    );
  });
});

describe('random configs', () => {
  it('any overrides: a config or a ConfigError', () => {
    fc.assert(
      fc.property(anyJson, fc.constantFrom('tiny', 'ascend910b'), (over, preset) => {
        typedOnly(() => loadConfig(preset, over));
      }),
      { seed: 11, numRuns: runs(300) },
    );
  });

  it('a preset with one field damaged: a config or a ConfigError', () => {
    const tiny = JSON.parse(JSON.stringify(loadConfig('tiny'))) as Record<string, unknown>;
    delete tiny['name'];
    fc.assert(
      fc.property(damaged(tiny), (over) => {
        typedOnly(() => loadConfig('tiny', over));
      }),
      { seed: 12, numRuns: runs(300) },
    );
  });
});

describe('random case files', () => {
  const cfg = loadConfig('tiny');
  const small = ['QuantizeLinear', 'DequantizeLinear', 'QLinearAdd', 'MaxPool', 'QLinearLeakyRelu'].map((op) => {
    const c = loadFixture(op).cases.find((x) => x.raw.inputs && JSON.stringify(x.raw.inputs).length < 2000)!;
    return { op: c.raw.op, attrs: c.raw.attrs, inputs: c.raw.inputs };
  });
  it('any JSON: parsed cases or a typed error', () => {
    fc.assert(fc.property(anyJson, (j) => void typedOnly(() => parseCases(j))), { seed: 21, numRuns: runs(300) });
  });
  it('a real case with one field damaged: a result or a typed error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...small).chain(damaged), (j) => {
        typedOnly(() => execCases(j, cfg, { maxCycles: 1 << 22 }));
      }),
      { seed: 22, numRuns: runs(200) },
    );
  });
});

describe('random manifests', () => {
  const entry = { id: 'e', kernel: 'matmul', preset: 'tiny', params: { m: 16, k: 16, n: 16 } };
  it('any JSON, and a real manifest damaged: a manifest or an error naming the field', () => {
    const check = (j: unknown) => {
      try {
        parseManifest(j, 'fuzz.json');
      } catch (e) {
        // parseManifest reports through JobError; the prototype-ish names must not reach a lookup
        expect(e instanceof JobError, `escaped: ${(e as Error).stack}`).toBe(true);
      }
    };
    fc.assert(fc.property(anyJson, check), { seed: 31, numRuns: runs(300) });
    fc.assert(fc.property(damaged({ entries: [entry, { ...entry, id: 'f', kernel: 'quantize', params: { elements: 64 } }] }), check), { seed: 32, numRuns: runs(300) });
  });
});
