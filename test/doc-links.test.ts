/**
 * Every repository path named in code comments, README.md and the docs exists in the repository, and
 * every `HW §Section` names a section of docs/hardware.md. A failure lists each reference as
 * file:line and the missing path.
 *
 * What is read: the comments of every tracked .ts file (found with TypeScript's parser, so strings
 * and regular expressions are never mistaken for comments) and the whole text of every tracked .md
 * file. Removed first: URLs (`scheme://...`) and files of other repositories, which are written
 * `source:path` (`hicann/pypto:platform_config/x.ini`, `Ascend-mskpp:csrc/...`; docs/hardware.md
 * §Sources).
 *
 * What counts as a reference (the rule is narrow on purpose, so prose like `s8/u8`, `L0A/L0B` or
 * `1001/2002` never matches):
 * - a markdown link target `](target)` that is not a URL or an `#anchor`: resolved against the .md
 *   file's folder;
 * - a slash-separated token whose first segment is a top-level entry of the repository (`hw/`,
 *   `docs/timing-model.md`, `scripts/lib/exec/`), resolved from the root; `<repo>/` in front is
 *   dropped, and `dist/x.js` (build output) stands for `x.ts`;
 * - a token starting with `../`, resolved against the citing file's folder (`./x` is checked only
 *   with a file extension: `./aicore-sim-demo` is a folder a run creates);
 * - any other slash-separated token ending in a file extension (`timing/cost.ts`, `exec/types.ts`):
 *   resolved against the citing file's folder, then the root;
 * - a bare file name ending in .ts or .md (`presets.ts`, `README.md`): some tracked file of that name.
 *   Bare data and output names (`trace.json`, `insns.csv`, `mm.s`) are not checked: most name files
 *   a run writes, not files of the repository.
 * A `*` or a `<placeholder>` segment matches any name; a `.js` file also resolves to its `.ts` source;
 * a folder exists when some tracked file is inside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/calibration/measured.js';

const ROOT = repoRoot();

/** Files git tracks or would track (not ignored), or the working tree without build output when git is not available. */
function trackedFiles(): string[] {
  try {
    const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard'];
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)));
  } catch {
    const skip = new Set(['.git', 'node_modules', 'dist', 'out', 'aicore-sim-demo', '.vitest-cache', '.cache']);
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        skip.has(e.name) ? [] : e.isDirectory() ? walk(posix.join(dir, e.name)) : [posix.join(dir, e.name)],
      );
    return walk('');
  }
}

const FILES = trackedFiles();
const FILE_SET = new Set(FILES);
const TOP_LEVEL = new Set(FILES.map((f) => f.split('/')[0]!));
const BASENAMES = new Set(FILES.map((f) => posix.basename(f)));

/** A piece of text to scan, with the offset of its start in the file. */
interface Chunk {
  readonly at: number;
  readonly text: string;
}

/** The comments of a TypeScript file. */
function commentsOf(file: string, text: string): Chunk[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = new Map<number, Chunk>();
  const add = (ranges: readonly ts.CommentRange[] | undefined) => ranges?.forEach((r) => found.set(r.pos, { at: r.pos, text: text.slice(r.pos, r.end) }));
  const visit = (n: ts.Node): void => {
    add(ts.getLeadingCommentRanges(text, n.getFullStart()));
    add(ts.getTrailingCommentRanges(text, n.getEnd()));
    n.getChildren(sf).forEach(visit);
  };
  visit(sf);
  return [...found.values()];
}

/** URLs and `source:path` references to other repositories, blanked out (lengths kept, so offsets hold). */
const EXTERNAL = /\b[a-z][\w+.-]*:\/\/[^\s)>\]`'"]+|(?<![\w./-])[A-Za-z][\w-]*(?:\/[\w.-]+)?:(?![\d\s])[^\s)\]`'",;]+/g;
const blank = (s: string) => s.replace(EXTERNAL, (m) => ' '.repeat(m.length));

/** Slash-separated or dotted names; characters of placeholders and globs included. */
const TOKEN = /(?<![\w.<>*@/-])(?:\.\.?\/)*[\w.<>*@-]+(?:\/[\w.<>*@-]*)*/g;
const LINK = /\]\(([^)\s]+)\)/g;
const FILE_EXT = /\.(ts|js|md|json|csv|s|txt)$/;

/** Does `path` (relative to the root, posix) name a tracked file or folder? Globs and placeholders match any name. */
function exists(path: string): boolean {
  const p = posix.normalize(path).replace(/\/$/, '');
  if (p.startsWith('..')) return false;
  const candidates = p.endsWith('.js') ? [p, p.replace(/\.js$/, '.ts')] : [p];
  if (/[*<]/.test(p)) {
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*|<[^>/]*>/g, '[^/]+')}(/|$)`);
    return FILES.some((f) => re.test(f) || re.test(f.replace(/\.ts$/, '.js')));
  }
  return candidates.some((c) => FILE_SET.has(c) || FILES.some((f) => f.startsWith(`${c}/`)));
}

/** The missing path a token names, or undefined when it resolves or is not a reference. */
function missingFor(token: string, fileDir: string): string | undefined {
  const t = token.replace(/[.]+$/, '');
  const fromHere = (p: string) => exists(posix.join(fileDir, p));
  if (t.startsWith('../')) return fromHere(t) ? undefined : t;
  if (t.startsWith('./')) return FILE_EXT.test(t) && !fromHere(t) ? t : undefined;
  if (!t.includes('/')) return /^[^.].*\.(ts|md)$/.test(t) && !BASENAMES.has(t) && !fromHere(t) ? t : undefined;
  const rooted = t.replace(/^<repo>\//, '');
  const first = rooted.split('/')[0]!;
  if (first === 'dist') return rooted === 'dist/' || exists(rooted.replace(/^dist\//, '')) ? undefined : t;
  if (TOP_LEVEL.has(first)) return exists(rooted) ? undefined : t;
  if (FILE_EXT.test(t)) return fromHere(t) || exists(t) ? undefined : t;
  return undefined;
}

const HEADINGS = readFileSync(join(ROOT, 'docs', 'hardware.md'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('## '))
  .map((l) => l.slice(3).trim());
/**
 * `HW §Section` and `hardware.md §Section`, where Section is a capitalised word (so `HW §X` and
 * `HW §<section>` in prose about the convention are left alone): the text after § must start with a
 * heading of docs/hardware.md.
 */
const SECTION = /(?:\bHW|hardware\.md) §(?=[A-Z][a-z])/g;

interface Broken {
  readonly where: string;
  readonly what: string;
}

function scan(file: string): Broken[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const chunks = file.endsWith('.ts') ? commentsOf(file, text) : [{ at: 0, text }];
  const dir = posix.dirname(file);
  const out: Broken[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const c of chunks) {
    const body = blank(c.text);
    const report = (offset: number, what: string) => out.push({ where: `${file}:${lineOf(c.at + offset)}`, what });
    if (file.endsWith('.md'))
      for (const m of body.matchAll(LINK)) {
        const target = m[1]!.replace(/#.*$/, '');
        if (target !== '' && !exists(posix.join(dir, target))) report(m.index, `link target ${m[1]} does not exist`);
      }
    for (const m of body.matchAll(TOKEN)) {
      const missing = missingFor(m[0], dir);
      if (missing) report(m.index, `${missing} does not exist`);
    }
    for (const m of body.matchAll(SECTION)) {
      const rest = body.slice(m.index + m[0].length);
      if (!HEADINGS.some((h) => rest.startsWith(h) && !/^[\w-]/.test(rest.slice(h.length)))) report(m.index, `${m[0]}${rest.split(/[:;,)\n]/)[0]} is not a section of docs/hardware.md`);
    }
  }
  return out;
}

describe('references inside the repository', () => {
  // this file's own comments quote broken references as examples
  const scanned = FILES.filter((f) => (f.endsWith('.ts') || f.endsWith('.md')) && f !== 'test/doc-links.test.ts');

  it('scans the code, README.md and the docs', () => {
    expect(scanned).toContain('README.md');
    expect(scanned).toContain('docs/hardware.md');
    expect(scanned.filter((f) => f.endsWith('.ts')).length).toBeGreaterThan(100);
  });

  it('every path or file named in comments, README.md and docs exists, and every HW § names a section', () => {
    const broken = scanned.flatMap(scan);
    expect(broken.map((b) => `${b.where}: ${b.what}`).join('\n'), `${broken.length} broken reference(s)`).toBe('');
  });

  it('the rule catches what it should and leaves prose alone', () => {
    const here = relative(ROOT, dirname(join(ROOT, 'hw/config/presets.ts'))).split('\\').join('/');
    expect(missingFor('../elsewhere/NOTES.md', here)).toBe('../elsewhere/NOTES.md'); // outside the repository
    expect(missingFor('NOWHERE.md', here)).toBe('NOWHERE.md'); // a bare name no tracked file has
    expect(missingFor('curves/dma.csv', here)).toBe('curves/dma.csv'); // a path that resolves neither here nor at the root
    expect(missingFor('docs/nothing.md', here)).toBe('docs/nothing.md');
    expect(missingFor('scripts/nowhere/', here)).toBe('scripts/nowhere/');
    expect(missingFor('./nothing.ts', here)).toBe('./nothing.ts');
    expect(missingFor('.ts', here)).toBeUndefined(); // an extension, not a file
    for (const fine of ['./aicore-sim-demo', 'dist/', 'docs/measured/dma.csv', 'hw/config/', 'presets.ts', 'types.ts', 'dist/scripts/cli.js', '<repo>/docs/measured', 'test/fixtures/onnx/*.json', 'traces/*.ts'])
      expect(missingFor(fine, here), fine).toBeUndefined();
    for (const prose of ['s8/u8', 'L0A/L0B', '1001/2002', 'read/write', 'trace.json', 'out/mm', 'hicann/ops-nn'])
      expect(missingFor(prose, here), prose).toBeUndefined();
    expect(blank('repo hicann/pypto:platform_config/910PR_9363.ini, see https://example.com/a/b.md').replace(/ +/g, ' ').trim()).toBe('repo , see');
    expect(blank('hw/config/presets.ts:42 and Ascend-mskpp:csrc/x.py').replace(/ +/g, ' ').trim()).toBe('hw/config/presets.ts:42 and');
  });
});
