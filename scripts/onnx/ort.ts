/**
 * ONNX Runtime, installed on demand outside the project's dependencies: `onnxruntime-node` is fetched
 * with npm into a cache folder (install scripts skipped: they download CUDA files; the CPU binary is in
 * the package) and loaded with createRequire from there. Only the fixture generator uses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The ONNX Runtime release the fixtures are recorded from. */
export const ORT_VERSION = '1.30.0';

/** The part of the onnxruntime-node API the generator uses. */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}

/** An inference session of one model. */
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}

/** The onnxruntime-node module. */
export interface OrtApi {
  readonly InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  readonly Tensor: new (type: string, data: ArrayLike<number>, dims: readonly number[]) => OrtTensor;
}

/** Installs onnxruntime-node into `dir` unless it is there already, and loads it. */
export function loadOrt(dir: string): OrtApi {
  const pkg = join(dir, 'node_modules', 'onnxruntime-node', 'package.json');
  if (!existsSync(pkg)) install(dir);
  const req = createRequire(join(dir, 'package.json'));
  const version = (req('onnxruntime-node/package.json') as { version: string }).version;
  if (version !== ORT_VERSION) throw new Error(`${dir} holds onnxruntime-node ${version}, want ${ORT_VERSION}: delete the folder`);
  return req('onnxruntime-node') as OrtApi;
}

function install(dir: string): void {
  mkdirSync(dir, { recursive: true });
  // A package.json of its own keeps npm from walking up to the project's.
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "description": "cache for scripts/gen-fixtures.ts" }\n');
  console.log(`installing onnxruntime-node@${ORT_VERSION} into ${dir} ...`);
  const args = ['install', '--prefix', dir, '--ignore-scripts', '--no-save', '--no-audit', '--no-fund', `onnxruntime-node@${ORT_VERSION}`];
  const r = spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}
