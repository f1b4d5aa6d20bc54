/**
 * The ResNet-50 v1.5 layer table (scripts/lib/resnet50.ts): the torchvision layer list, and rows timed
 * the way the table times them (the script's CSV from a small run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { readBound, resnet50Layers, summariseTable, timeLayer, type ConvLayer, type LayerRow } from '../scripts/lib/resnet50.js';
import { main } from '../scripts/resnet50-table.js';

describe('ResNet-50 v1.5 layers', () => {
  const layers = resnet50Layers();
  const convs = layers.filter((l): l is ConvLayer => l.kind === 'conv');

  it('has 53 convolutions and the fc, with torchvision shapes', () => {
    expect(convs).toHaveLength(53);
    expect(layers.at(-1)).toEqual({ kind: 'fc', name: 'fc', k: 2048, n: 1000 });
    expect(convs[0]).toMatchObject({ name: 'conv1', c: 3, h: 224, oc: 64, k: 7, stride: 2, pad: 3 });
    // v1.5: the stride of a downsampling block is on its 3x3
    expect(convs.find((l) => l.name === 'layer2.0.conv1')).toMatchObject({ c: 256, h: 56, oc: 128, k: 1, stride: 1 });
    expect(convs.find((l) => l.name === 'layer2.0.conv2')).toMatchObject({ c: 128, h: 56, oc: 128, k: 3, stride: 2 });
    expect(convs.find((l) => l.name === 'layer2.0.downsample')).toMatchObject({ c: 256, h: 56, oc: 512, k: 1, stride: 2 });
    expect(convs.find((l) => l.name === 'layer4.2.conv3')).toMatchObject({ c: 512, h: 7, oc: 2048, k: 1 });
    // the channels of each block's input are the previous block's output
    expect(convs.filter((l) => l.name.endsWith('.conv1')).map((l) => l.c)).toEqual([64, 256, 256, 256, 512, 512, 512, 512, 1024, 1024, 1024, 1024, 1024, 1024, 2048, 2048]);
  });

  it('a row: compulsory bytes, output blocks, cores and GM reads of a layer', () => {
    const cfg = loadConfig('ascend910b');
    const l = convs.find((x) => x.name === 'layer4.1.conv2')!; // 512 x 7 x 7, 3x3
    const r = timeLayer(l, 1, cfg);
    expect(r.compulsoryBytes).toBe(512 * 7 * 7 + 512 * 512 * 9);
    expect(r.outputBlocks).toBe(Math.ceil(49 / 16));
    expect(r.cores).toBeGreaterThanOrEqual(1);
    expect(r.cores).toBeLessThanOrEqual(cfg.cores);
    expect(r.gmReadBytes).toBeGreaterThanOrEqual(r.compulsoryBytes);
    // every core reads the A rows and B columns of its output: no kernel goes below the bound
    expect(r.gmReadBytes).toBeGreaterThanOrEqual(r.readBoundBytes);
    expect(r.readBoundBytes).toBeGreaterThanOrEqual(r.compulsoryBytes);
    expect(r.summary.cycles).toBeGreaterThan(0);
    expect(r.summary.chipCubeUtilization!).toBeLessThanOrEqual(r.summary.cubeUtilization);
  });

  it('the read bound takes the cheapest grid of row and column parts', () => {
    // 4 cores: A x 4 + B (410), A x 2 + B x 2 (220) or A + B x 4 (140)
    expect(readBound(100, 10, 4, 4, 4)).toBe(140);
    // only one row block: every core needs all of A
    expect(readBound(100, 10, 1, 8, 4)).toBe(4 * 100 + 10);
    expect(readBound(100, 10, 8, 1, 1)).toBe(110);
  });

  it('the summary counts idle cores, vector-bound wide 1x1 layers and reads against compulsory', () => {
    const layer = (c: number, k: number): ConvLayer => ({ kind: 'conv', name: `c${c}k${k}`, c, h: 14, w: 14, oc: 64, k, stride: 1, pad: 0 });
    const ratios = (vec: number) => ({ mac_ratio: 0.2, vec_ratio: vec, mte2_ratio: 0.3, mte1_ratio: 0, mte3_ratio: 0, fixpipe_ratio: 0, scalar_ratio: 0 });
    const row = (l: ConvLayer, cores: number, blocks: number, vec: number, read: number, floor: number): LayerRow =>
      ({ layer: l, preset: 'p', batch: 1, fusion: 'ub', vectorRequant: 'exact', outputBlocks: blocks, cores, chipCores: 8, summary: { cycles: 100, ratios: ratios(vec) }, gmReadBytes: read, compulsoryBytes: 100, readBoundBytes: floor }) as unknown as LayerRow;
    const [s] = summariseTable([
      row(layer(256, 1), 8, 20, 0.9, 150, 120), // wide 1x1, vector-bound, within 2x
      row(layer(128, 1), 6, 20, 0.9, 300, 150), // idle cores; vector-bound but K < 256
      row(layer(256, 3), 4, 3, 0.1, 250, 250), // fewer blocks than cores: not idle
    ]);
    expect(s).toMatchObject({ layers: 3, cycles: 300, idleLayers: 1, vectorBound1x1: 1, within2x: 1, floorWithin2x: 2 });
    expect(s!.readRatio).toBeCloseTo(700 / 300, 12);
  });

  it('the script writes one CSV row per layer', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-r50-')), 'layers.csv');
    const write = process.stdout.write;
    const err = process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(main([out, '--presets', 'ascend910b', '--batches', '1'])).toBe(0);
    } finally {
      process.stdout.write = write;
      process.stderr.write = err;
    }
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^layer,preset,batch,shape,fusion,cycles,cores,output_blocks,uses_every_core,chip_cube_utilization/);
    expect(lines).toHaveLength(1 + 54);
    expect(lines[1]).toMatch(/^conv1,ascend910b,1,/);
    expect(lines.at(-1)).toMatch(/^fc,ascend910b,1,2048 -> 1000,fixpipe,/);
  });
});
