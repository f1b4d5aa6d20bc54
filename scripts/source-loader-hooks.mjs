/**
 * The module hooks of source-loader.mjs (they run on Node's loader thread). Transpiled modules are
 * cached by content hash in the system's temporary folder, so only the first start after an edit pays
 * for loading TypeScript (about 3 s for the whole tree; a cached start takes a fraction of that).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(tmpdir(), `aicore-sim-ts-cache-${process.getuid?.() ?? 'user'}`);
/** Part of every cache key: change it when the transpile options below change. */
const CACHE_VERSION = '1';
let ts;

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && (specifier.startsWith('.') || specifier.startsWith('/'))) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(url)) return next(`${url.href.slice(0, -3)}.ts`, context);
  }
  return next(specifier, context);
}

async function transpile(source, file) {
  ts ??= (await import('typescript')).default;
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, isolatedModules: true };
  return ts.transpileModule(source, { compilerOptions, fileName: file }).outputText;
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const cached = join(CACHE, `${createHash('sha1').update(CACHE_VERSION).update(file).update('\0').update(source).digest('hex')}.js`);
  let out;
  try {
    out = readFileSync(cached, 'utf8');
  } catch {
    out = await transpile(source, file);
    // written aside and renamed, so a concurrent start never reads half a file
    mkdirSync(CACHE, { recursive: true });
    const part = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(part, out);
    renameSync(part, cached);
  }
  return { format: 'module', source: out, shortCircuit: true };
}
