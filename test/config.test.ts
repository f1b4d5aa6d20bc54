/**
 * Configuration: presets derive and freeze, derived values, deep-merged overrides, and error messages
 * that name the field path and what is wrong (hw/config/derive.ts, hw/config/load.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, deriveConfig } from '../hw/config/derive.js';
import { loadConfig, mergeParams, presetNames, presetParams, readOverrides } from '../hw/config/load.js';
import { FIELDS } from '../hw/config/fields.js';
import { PRESETS, tiny } from '../hw/config/presets.js';
import { PATHS, type HwConfig, type HwParams } from '../hw/config/types.js';
import { runCli } from './support/cli.js';

/** Every object reachable from `o` is frozen. */
function allFrozen(o: unknown, path = 'config'): string | undefined {
  if (o === null || typeof o !== 'object') return undefined;
  if (!Object.isFrozen(o)) return path;
  for (const [k, v] of Object.entries(o)) {
    const bad = allFrozen(v, `${path}.${k}`);
    if (bad) return bad;
  }
  return undefined;
}

describe('presets', () => {
  it('the built-in preset names', () => {
    expect(presetNames()).toEqual(['ascend910b', 'ascend910', 'ascend310p', 'tiny', 'tiny-sep']);
  });

  it.each(presetNames())('%s derives without error and is deeply frozen', (name) => {
    const cfg = loadConfig(name);
    expect(cfg.name).toBe(name);
    expect(allFrozen(cfg)).toBeUndefined();
    expect(() => {
      (cfg.gm as { chipBytesPerCycle: number }).chipBytesPerCycle = 1;
    }).toThrow(TypeError);
    expect(() => {
      (cfg.cube.dtypePairs as unknown as unknown[]).push(['s8', 's8']);
    }).toThrow(TypeError);
    // deriving does not freeze or change the preset itself
    expect(Object.isFrozen(PRESETS[name]!)).toBe(false);
    expect(Object.isFrozen(PRESETS[name]!.gm)).toBe(false);
    expect(deriveConfig(presetParams(name))).toEqual(cfg);
  });

  it.each([
    ['ascend910b', 72],
    ['ascend910', 32],
    ['ascend310p', 8],
    ['tiny', 2],
    ['tiny-sep', 6],
  ] as const)('%s: derived MACs per cycle from 16 x 16 fractal rows x K0 and %i core instances', (name, total) => {
    const cfg = loadConfig(name);
    const { k0Bytes } = cfg.cube;
    expect(cfg.derived.macsPerCycleInt8).toBe(16 * 16 * k0Bytes); // K0 = 32 int8 elements
    expect(cfg.derived.macsPerCycleF16).toBe((16 * 16 * k0Bytes) / 2); // K0 = 16 f16 elements
    expect([cfg.derived.macsPerCycleInt8, cfg.derived.macsPerCycleF16]).toEqual([8192, 4096]); // HW §Cube unit: 16x32x16 int8, 16x16x16 fp16
    expect(cfg.derived.totalCores).toBe(total);
  });

  it('derived values follow overrides', () => {
    const cfg = loadConfig('tiny-sep', { cores: 3, aivPerAic: 1, cube: { k0Bytes: 64 } });
    expect(cfg.derived.totalCores).toBe(6);
    expect(cfg.derived.macsPerCycleInt8).toBe(16 * 16 * 64);
  });
});

describe('loadConfig with overrides', () => {
  it('deep-merges: one gm field changes, the others stay', () => {
    const cfg = loadConfig('tiny', { gm: { chipBytesPerCycle: 100 } });
    expect(cfg.gm).toEqual({ ...tiny.gm, chipBytesPerCycle: 100 });
    expect(cfg.paths).toEqual(loadConfig('tiny').paths);
    expect(tiny.gm.chipBytesPerCycle).toBe(96); // the preset is untouched
  });

  it('merges nested paths field by field; arrays replace', () => {
    const cfg = loadConfig('tiny', { paths: { GM_UB: { fixedLatency: 3 } }, cube: { dtypePairs: [['s8', 's8']] } });
    expect(cfg.paths.GM_UB).toEqual({ ...tiny.paths.GM_UB, fixedLatency: 3 });
    for (const p of PATHS) if (p !== 'GM_UB') expect(cfg.paths[p]).toEqual(tiny.paths[p]);
    expect(cfg.cube.dtypePairs).toEqual([['s8', 's8']]);
    expect(cfg.cube.k0Bytes).toBe(tiny.cube.k0Bytes);
  });

  it('can add a buffer to a core kind and change one buffer field', () => {
    const cfg = loadConfig('tiny', { coreKinds: { coupled: { buffers: { BT: { bytes: 1024, align: 64 }, UB: { bytes: 64 * 1024 } } } } });
    expect(cfg.coreKinds.coupled!.buffers.BT).toEqual({ bytes: 1024, align: 64 });
    expect(cfg.coreKinds.coupled!.buffers.UB).toEqual({ bytes: 64 * 1024, align: 32 });
    expect(cfg.coreKinds.coupled!.buffers.L1).toEqual(tiny.coreKinds.coupled!.buffers.L1);
  });

  it('no overrides and an empty object give the preset', () => {
    expect(loadConfig('tiny', {})).toEqual(loadConfig('tiny'));
    expect(mergeParams(tiny, undefined)).toBe(tiny);
  });
});

describe('configuration errors name the field and what is wrong', () => {
  const bad = (overrides: unknown, preset = 'tiny') => () => loadConfig(preset, overrides);

  it('unknown fields, at any depth', () => {
    expect(bad({ gm: { chipBytes: 1 } })).toThrow(ConfigError);
    expect(bad({ gm: { chipBytes: 1 } })).toThrow(/^config field gm\.chipBytes is not a known field/);
    expect(bad({ colour: 'red' })).toThrow(/config field colour is not a known field/);
    expect(bad({ paths: { GM_XX: { fixedLatency: 1 } } })).toThrow(/config field paths\.GM_XX is not a known field/);
    expect(bad({ scalar: { aluCycles: 1, issue: 2 } })).toThrow(/config field scalar\.issue is not a known field/);
  });

  it('a removed field says why it went and what to do', () => {
    // the cube's fractal (M0 = N0 = 16 rows) is fixed by the ISA, so cube.m0 and cube.n0 left the config
    expect(bad({ cube: { m0: 32 } })).toThrow(/^config field cube\.m0 is not a known field: it was removed, as the cube's M0 is the ISA's 16 fractal rows \(docs\/hardware\.md §Cube unit\), not a preset field; delete it from the config$/);
    expect(bad({ cube: { n0: 16 } })).toThrow(/config field cube\.n0 is not a known field: it was removed/);
  });

  it('unknown map keys in hand-built params name the key and the legal names', () => {
    const params = structuredClone(tiny) as HwParams;
    (params.paths as Record<string, unknown>)['GM_XX'] = { fixedLatency: 1, bytesPerCycle: 1, minCycles: 0 };
    expect(() => deriveConfig(params)).toThrow(/^config field paths\.GM_XX is not a known data path \(one of GM_L1, /);
    const sep = structuredClone(tiny) as HwParams;
    sep.organisation = 'separated';
    sep.aivPerAic = 0;
    sep.coreKinds = structuredClone(PRESETS['tiny-sep']!.coreKinds);
    expect(() => deriveConfig(sep)).toThrow('config field aivPerAic must be a positive integer on a separated chip, got 0');
  });

  it('unknown fields named like Object.prototype members are reported too', () => {
    // a JSON file can hold any key; `constructor`, `toString` and `hasOwnProperty` are not config fields
    expect(bad(JSON.parse('{"gm": {"constructor": 1}}'))).toThrow(/config field gm\.constructor is not a known field/);
    expect(bad(JSON.parse('{"toString": 5}'))).toThrow(/config field toString is not a known field/);
    expect(bad(JSON.parse('{"paths": {"GM_UB": {"hasOwnProperty": 3}}}'))).toThrow(/config field paths\.GM_UB\.hasOwnProperty is not a known field/);
  });

  it('wrong types', () => {
    expect(bad({ queueDepth: '4' })).toThrow(/config field queueDepth must be a positive integer, got "4"/);
    expect(bad({ gm: 5 })).toThrow(/config field gm must be an object, got 5/);
    expect(bad({ gm: null })).toThrow(/config field gm must be an object, got null/);
    expect(bad({ scalar: { branchTakenCycles: 1.5 } })).toThrow(/config field scalar\.branchTakenCycles must be a non-negative integer, got 1\.5/);
    expect(bad({ features: { nd2nz: 'yes' } })).toThrow(/config field features\.nd2nz must be true or false/);
    expect(bad({ organisation: 'mixed' })).toThrow(/config field organisation must be one of coupled, separated, got "mixed"/);
    expect(bad({ cube: { dtypePairs: [['s8', 's4']] } })).toThrow(/config field cube\.dtypePairs\[0\]\[1\] must be one of .*got "s4"/);
    expect(bad({ fixpipe: { quantModes: ['none', 'req4'] } })).toThrow(/config field fixpipe\.quantModes\[1\] must be one of .*got "req4"/);
    expect(bad(5)).toThrow(/config field \(root\) must be an object, got 5/);
  });

  it('negative and zero numbers', () => {
    expect(bad({ gm: { chipBytesPerCycle: -1 } })).toThrow(/config field gm\.chipBytesPerCycle must be a positive number, got -1/);
    expect(bad({ gm: { coreBytesPerCycle: 0 } })).toThrow(/config field gm\.coreBytesPerCycle must be a positive number, got 0/);
    expect(bad({ paths: { GM_UB: { fixedLatency: -3 } } })).toThrow(/config field paths\.GM_UB\.fixedLatency must be a non-negative integer, got -3/);
    expect(bad({ cores: 0 })).toThrow(/config field cores must be a positive integer, got 0/);
    expect(bad({ vector: { classes: { binary: { cyclesPerRepeat: -2 } } } })).toThrow(/config field vector\.classes\.binary\.cyclesPerRepeat must be a positive integer, got -2/);
  });

  it('buffer sizes and alignments', () => {
    expect(bad({ coreKinds: { coupled: { buffers: { UB: { bytes: 1000 } } } } })).toThrow(/config field coreKinds\.coupled\.buffers\.UB\.bytes must be a multiple of its alignment 32/);
    expect(bad({ coreKinds: { coupled: { buffers: { L0A: { align: 48 } } } } })).toThrow(/config field coreKinds\.coupled\.buffers\.L0A\.align must be a power of two, got 48/);
    expect(bad({ coreKinds: { coupled: { buffers: { XB: { bytes: 32, align: 32 } } } } })).toThrow(/config field coreKinds\.coupled\.buffers\.XB is not a known buffer \(one of L1, L0A, L0B, L0C, UB, BT, FB\)/);
    expect(bad({ coreKinds: { coupled: { buffers: { BT: { bytes: 1024 } } } } })).toThrow(/config field coreKinds\.coupled\.buffers\.BT\.align must be a positive integer/);
    expect(bad({ coreKinds: { aiv: { buffers: { UB: { bytes: 100, align: 32 } } } } }, 'tiny-sep')).toThrow(/config field coreKinds\.aiv\.buffers\.UB\.bytes must be a multiple of its alignment 32/);
  });

  it('organisation and core kinds must agree', () => {
    expect(bad({ organisation: 'separated' })).toThrow(/config field aivPerAic must be a positive integer, got 0|config field coreKinds\.aic is required for a separated chip/);
    expect(bad({ organisation: 'separated', aivPerAic: 2 })).toThrow(/config field coreKinds\.aic is required for a separated chip/);
    expect(bad({ coreKinds: { vec: { buffers: {}, pipes: ['S'] } } })).toThrow(/config field coreKinds\.vec is not a known core kind \(one of coupled, aic, aiv\)/);
    expect(bad({ coreKinds: { coupled: { pipes: ['MTE2', 'V'] } } })).toThrow(/config field coreKinds\.coupled\.pipes must be a list of pipes including S/);
    expect(bad({ coreKinds: { coupled: { pipes: ['S', 'MTE9'] } } })).toThrow(/config field coreKinds\.coupled\.pipes\[1\] must be one of/);
  });

  it('unknown preset lists the known names', () => {
    expect(() => loadConfig('ascend999')).toThrow(ConfigError);
    expect(() => loadConfig('ascend999')).toThrow("unknown preset 'ascend999' (known: ascend910b, ascend910, ascend310p, tiny, tiny-sep)");
  });

  it('eventIds above 16', () => {
    expect(bad({ eventIds: 17 })).toThrow(/config field eventIds must be at most 16/);
    expect(loadConfig('tiny', { eventIds: 16 }).eventIds).toBe(16);
    expect(bad({ eventIds: 0 })).toThrow(/config field eventIds must be a positive integer, got 0/);
  });

  it('scalar costs of 0 are refused where a loop could then run forever without the clock moving', () => {
    expect(bad({ scalar: { aluCycles: 0 } })).toThrow(/^config field scalar\.aluCycles must be a positive integer, got 0$/);
    expect(bad({ scalar: { issueCycles: 0 } })).toThrow(/^config field scalar\.issueCycles must be a positive integer, got 0$/);
    // a taken branch still costs aluCycles, so no extra cost is fine
    expect(loadConfig('tiny', { scalar: { branchTakenCycles: 0 } }).scalar.branchTakenCycles).toBe(0);
  });

  it('every number has an upper bound with a reason, and the presets keep well below it', () => {
    const unbounded = FIELDS.filter((f) => f.kind.max === undefined).map((f) => f.path);
    expect(unbounded).toEqual(['name', 'description', 'organisation', 'coreKinds.<kind>.pipes', 'cube.dtypePairs', 'fixpipe.quantModes', 'l2.mode', 'banks.ub', 'banks.l1', 'features.nd2nz', 'features.enhancedL0cUb']);
    for (const f of FIELDS) if (f.kind.max) expect(f.kind.max.why, f.path).not.toBe('');
    // the largest value any preset gives a bounded field is at most a quarter of its bound
    const largest = (name: string, pick: (h: HwParams) => number[]) => Math.max(...presetNames().flatMap((p) => pick(presetParams(p))));
    const spare: [string, number, number][] = [
      ['cores', largest('cores', (h) => [h.cores]), 1024],
      ['bytes', largest('bytes', (h) => Object.values(h.coreKinds).flatMap((k) => Object.values(k!.buffers).map((b) => b.bytes))), 64 * 2 ** 20],
      ['queueDepth', largest('queueDepth', (h) => [h.queueDepth]), 1024],
      ['bandwidth', largest('bandwidth', (h) => [h.gm.chipBytesPerCycle, h.gm.coreBytesPerCycle, ...Object.values(h.paths).map((p) => p.bytesPerCycle)]), 65536],
      ['latency', largest('latency', (h) => [h.cube.fixedLatency, ...Object.values(h.paths).flatMap((p) => [p.fixedLatency, p.minCycles])]), 100_000],
    ];
    for (const [what, value, max] of spare) expect(value, what).toBeLessThanOrEqual(max / 4);
  });

  it.each([
    [{ cores: 1025 }, 'cores', 1024],
    [{ aivPerAic: 17 }, 'aivPerAic', 16],
    [{ arch: 10_000 }, 'arch', 9999],
    [{ clockMHz: 10_000.5 }, 'clockMHz', 10000],
    [{ queueDepth: 1025 }, 'queueDepth', 1024],
    [{ scalar: { aluCycles: 1001 } }, 'scalar.aluCycles', 1000],
    [{ coreKinds: { coupled: { buffers: { UB: { bytes: 128 * 2 ** 20 } } } } }, 'coreKinds.coupled.buffers.UB.bytes', 64 * 2 ** 20],
    [{ coreKinds: { coupled: { buffers: { UB: { align: 2 ** 17 } } } } }, 'coreKinds.coupled.buffers.UB.align', 65536],
    [{ cube: { k0Bytes: 2048 } }, 'cube.k0Bytes', 1024],
    [{ gm: { chipBytesPerCycle: 1e6 } }, 'gm.chipBytesPerCycle', 65536],
    [{ paths: { GM_UB: { fixedLatency: 2 ** 31 } } }, 'paths.GM_UB.fixedLatency', 100000],
    [{ vector: { classes: { div: { cyclesPerRepeat: 5000 } } } }, 'vector.classes.div.cyclesPerRepeat', 1000],
  ])('%j is over the limit: the error names the field, the limit and why', (over, path, max) => {
    const re = new RegExp(`^config field ${path.replace(/\./g, '\\.')} must be at most ${max} \\([^)]+\\), got `);
    expect(bad(over)).toThrow(re);
    expect(bad(over)).toThrow(ConfigError);
  });

  it('values at the limit are accepted', () => {
    const cfg = loadConfig('tiny', { cores: 1024, aivPerAic: 0, queueDepth: 1024, clockMHz: 10_000, scalar: { aluCycles: 1000, issueCycles: 1000 }, gm: { chipBytesPerCycle: 65536 } });
    expect([cfg.cores, cfg.queueDepth, cfg.clockMHz, cfg.scalar.aluCycles, cfg.gm.chipBytesPerCycle]).toEqual([1024, 1024, 10_000, 1000, 65536]);
  });

  it('deriveConfig checks params built by hand too', () => {
    const params = structuredClone(tiny) as HwParams;
    params.queueDepth = -1;
    expect(() => deriveConfig(params)).toThrow(/config field queueDepth must be a positive integer, got -1/);
  });
});

describe('JSON override files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aicore-config-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a JSON file of overrides is read and deep-merged', () => {
    const file = join(dir, 'fast-gm.json');
    writeFileSync(file, JSON.stringify({ gm: { chipBytesPerCycle: 200 }, paths: { GM_L1: { bytesPerCycle: 32 } }, queueDepth: 8 }));
    const cfg: HwConfig = loadConfig('tiny', readOverrides(file));
    expect(cfg.gm).toEqual({ ...tiny.gm, chipBytesPerCycle: 200 });
    expect(cfg.paths.GM_L1).toEqual({ ...tiny.paths.GM_L1, bytesPerCycle: 32 });
    expect(cfg.queueDepth).toBe(8);
  });

  it('a file that is not JSON gives an error naming the file', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ gm: { chipBytesPerCycle: 200 } ');
    expect(() => readOverrides(file)).toThrow(ConfigError);
    expect(() => readOverrides(file)).toThrow(`config file ${file} is not valid JSON`);
  });

  it('a missing file gives an error naming the file', () => {
    const file = join(dir, 'missing.json');
    expect(() => readOverrides(file)).toThrow(`cannot read config file ${file}`);
  });

  it('a JSON file with a bad field reports the field', () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ gm: { chipBytes: 200 } }));
    expect(() => loadConfig('tiny', readOverrides(file))).toThrow(/config field gm\.chipBytes is not a known field/);
  });

  it("takes back what 'presets --json' prints: one preset's config, or the listing's entry of the preset in use", async () => {
    for (const preset of presetNames()) {
      const one = await runCli('presets', '--json', preset);
      const file = join(dir, `${preset}.json`);
      writeFileSync(file, one.stdout);
      expect(loadConfig(preset, readOverrides(file)), preset).toEqual(loadConfig(preset));
    }
    const all = join(dir, 'all.json');
    writeFileSync(all, (await runCli('presets', '--json')).stdout);
    expect(loadConfig('ascend310p', readOverrides(all))).toEqual(loadConfig('ascend310p'));
    const edited = JSON.parse((await runCli('presets', '--json', 'tiny')).stdout) as { clockMHz: number };
    expect(loadConfig('tiny', { ...edited, clockMHz: 1234 }).clockMHz).toBe(1234);
    const partial = { tiny: JSON.parse((await runCli('presets', '--json', 'tiny')).stdout) as unknown };
    expect(() => loadConfig('ascend910b', partial)).toThrow(/lists presets tiny .* but not ascend910b: use --preset tiny/);
  });
});

