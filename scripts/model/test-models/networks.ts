/**
 * The project's quantised test models, built by QNet with seeded weights: a small CNN (3x3 and 1x1
 * convolutions with ReLU, a residual Add, MaxPool, a stride-2 conv, GlobalAveragePool, Flatten, fc)
 * and a ResNet-50-shaped one (the v1.5 topology exactly: 7x7/2 stem, 3x3/2 MaxPool, bottleneck stages
 * of 3, 4, 6, 3 blocks with the stride on the 3x3 conv, 1x1 downsampling, residual Add + ReLU,
 * GlobalAveragePool, Flatten, fc) whose channel counts are divided by `widthDivisor` and whose input is
 * R x R, so the whole topology runs in a test; divisor 1 and R = 224 give the real sizes; and a
 * transformer encoder block (BERT's: multi-head self-attention, residual Add and LayerNormalization,
 * a Gelu feed-forward, residual Add and LayerNormalization) of sequence S, width D, H heads.
 */
import { seededRandom } from '../../lib/rng.js';
import type { Graph } from '../graph.js';
import { QNet, type Act, type ActType, type ModelFormat } from './qnet.js';
import { QTransformer } from './qtransformer.js';

export interface TestModelOptions {
  readonly format: ModelFormat;
  readonly act: ActType;
  readonly seed: number;
}

export function smallCnn(o: TestModelOptions): Graph {
  const net = new QNet(o.format, o.act, o.seed);
  const dims = [1, 3, 32, 32];
  let x = net.input('image', dims);
  x = net.conv(x, 16, 3);
  const skip = x;
  x = net.conv(x, 16, 3);
  x = net.conv(x, 16, 1, 1, false);
  x = net.add(x, skip);
  x = net.maxPool(x, 3, 2, 1);
  x = net.conv(x, 32, 3, 2);
  x = net.globalAveragePool(x);
  x = net.fc(net.flatten(x), 10);
  return net.finish('small-cnn', 'image', dims, x, 'logits');
}

export interface ResnetOptions extends TestModelOptions {
  readonly widthDivisor: number;
  readonly resolution: number;
  readonly classes: number;
}

const STAGES = [
  { blocks: 3, width: 64, out: 256, stride: 1 },
  { blocks: 4, width: 128, out: 512, stride: 2 },
  { blocks: 6, width: 256, out: 1024, stride: 2 },
  { blocks: 3, width: 512, out: 2048, stride: 2 },
] as const;

export function resnet50Shaped(o: ResnetOptions): Graph {
  const net = new QNet(o.format, o.act, o.seed);
  const d = (c: number) => Math.max(1, c / o.widthDivisor);
  const dims = [1, 3, o.resolution, o.resolution];
  let x: Act = net.input('image', dims);
  x = net.conv(x, d(64), 7, 2);
  x = net.maxPool(x, 3, 2, 1);
  for (const s of STAGES)
    for (let b = 0; b < s.blocks; b++) {
      const stride = b === 0 ? s.stride : 1;
      const identity = b === 0 ? net.conv(x, d(s.out), 1, stride, false) : x;
      let y = net.conv(x, d(s.width), 1);
      y = net.conv(y, d(s.width), 3, stride);
      y = net.conv(y, d(s.out), 1, 1, false);
      x = net.add(y, identity);
    }
  x = net.globalAveragePool(x);
  x = net.fc(net.flatten(x), o.classes);
  return net.finish('resnet50-shaped', 'image', dims, x, 'logits');
}

export interface TransformerOptions extends TestModelOptions {
  readonly seq: number;
  readonly width: number;
  readonly heads: number;
}

export function transformerBlock(o: TransformerOptions): Graph {
  const net = new QTransformer(o.format, o.act, o.seed);
  const { seq: s, width: d, heads: h } = o;
  const dh = d / h;
  const dims = [1, s, d];
  const x = net.input('hidden', dims);
  const heads = (t: Act) => net.move(t, 'Reshape', [1, s, h, dh]);
  const q = net.transpose(heads(net.matmul(x, d)), [0, 2, 1, 3]);
  const kT = net.transpose(heads(net.matmul(x, d)), [0, 2, 3, 1]);
  const v = net.transpose(heads(net.matmul(x, d)), [0, 2, 1, 3]);
  const scores = net.actMatmul(q, kT, net.productAct(q, kT, [1, h, s, s]));
  const p = net.scaledSoftmax(scores, dh);
  const ctx = net.actMatmul(p, v, net.productAct(p, v, [1, h, s, dh]));
  const merged = net.move(net.transpose(ctx, [0, 2, 1, 3]), 'Reshape', dims);
  const attn = net.layerNorm(net.add(net.matmul(merged, d), x, false));
  const ffn = net.matmul(net.gelu(net.matmul(attn, 4 * d)), d);
  const y = net.layerNorm(net.add(ffn, attn, false));
  return net.finish('transformer-block', 'hidden', dims, y, 'output');
}

/** The committed test models: name -> graph builder (the fixture folders under test/fixtures/models). */
export const TEST_MODELS: Readonly<Record<string, () => Graph>> = {
  'small-cnn-qdq-u8': () => smallCnn({ format: 'qdq', act: 'uint8', seed: 11 }),
  'small-cnn-qoperator-u8': () => smallCnn({ format: 'qoperator', act: 'uint8', seed: 11 }),
  'small-cnn-qdq-s8': () => smallCnn({ format: 'qdq', act: 'int8', seed: 12 }),
  'resnet50-shaped-qdq-u8': () => resnet50Shaped({ format: 'qdq', act: 'uint8', seed: 21, widthDivisor: 8, resolution: 64, classes: 10 }),
  'resnet50-shaped-qoperator-u8': () => resnet50Shaped({ format: 'qoperator', act: 'uint8', seed: 21, widthDivisor: 8, resolution: 64, classes: 10 }),
  'resnet50-shaped-qoperator-s8': () => resnet50Shaped({ format: 'qoperator', act: 'int8', seed: 22, widthDivisor: 8, resolution: 64, classes: 10 }),
  'transformer-block-qdq-u8': () => transformerBlock({ format: 'qdq', act: 'uint8', seed: 31, seq: 32, width: 64, heads: 4 }),
  'transformer-block-qoperator-u8': () => transformerBlock({ format: 'qoperator', act: 'uint8', seed: 31, seq: 32, width: 64, heads: 4 }),
  'transformer-block-qdq-s8': () => transformerBlock({ format: 'qdq', act: 'int8', seed: 32, seq: 32, width: 64, heads: 4 }),
};

/** Seeded input of a test model: uniform in [-1, 1). */
export function testInput(dims: readonly number[], seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: dims.reduce((p, x) => p * x, 1) }, () => Math.fround(r() * 2 - 1));
}
