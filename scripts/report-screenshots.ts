/**
 * Regenerates the README's report screenshots (docs/report-*.png, `npm run report:screenshots`):
 * runs a kernel and a network with --out into a temporary folder and photographs their report.html
 * in headless Chromium at 1400 x 900. Needs Debian's chromium package.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './cli.js';
import { runChromium } from './lib/report-html/chromium.js';
import { repoRoot } from './lib/repo-root.js';

/** The runs photographed: a kernel on four cores of ascend910b, and ResNet-50 on ascend310p. */
const RUNS = {
  kernel: ['run', 'matmul', '--m', '1024', '--k', '1024', '--n', '1024', '--cores', '4', '--timing-only'],
  network: ['network', 'resnet50', '--preset', 'ascend310p'],
} as const;

/** Each screenshot: its file in docs/, the run whose report it shows, and the element the view starts at. */
const SHOTS: readonly { file: string; run: keyof typeof RUNS; at: string }[] = [
  { file: 'report-kernel.png', run: 'kernel', at: '' },
  { file: 'report-pipes.png', run: 'kernel', at: 'pipes' },
  { file: 'report-network.png', run: 'network', at: '' },
  { file: 'report-roofline.png', run: 'network', at: 'roofline' },
];

/**
 * A copy of `page` that starts at element `id`: everything before it is hidden. (Headless Chromium
 * paints a blank page when a screenshot's URL scrolls to a fragment, so the copy is cut instead.)
 */
function startingAt(page: string, id: string): string {
  const cut = `<script>(function(){for(var e=document.getElementById(${JSON.stringify(id)});e&&e!==document.body;e=e.parentElement)for(var s=e.previousElementSibling;s;s=s.previousElementSibling)s.style.display='none';})();</script>`;
  const copy = page.replace(/\.html$/, `.${id}.html`);
  fs.writeFileSync(copy, fs.readFileSync(page, 'utf8').replace('</body>', `${cut}</body>`));
  return copy;
}

const quiet = { out: () => {}, err: (s: string) => process.stderr.write(`${s}\n`) };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-shots-'));
try {
  const pages: Partial<Record<keyof typeof RUNS, string>> = {};
  for (const [name, argv] of Object.entries(RUNS) as [keyof typeof RUNS, readonly string[]][]) {
    const out = path.join(work, name);
    if ((await main([...argv, '--out', out], quiet)) !== 0) throw new Error(`aicore-sim ${argv.join(' ')} failed`);
    pages[name] = path.join(out, 'report.html');
  }
  for (const shot of SHOTS) {
    const png = path.join(repoRoot(), 'docs', shot.file);
    const page = shot.at ? startingAt(pages[shot.run]!, shot.at) : pages[shot.run]!;
    const r = runChromium(page, [`--screenshot=${png}`, '--window-size=1400,900']);
    if (r.status !== 0 || !fs.existsSync(png)) throw new Error(`chromium could not photograph ${page}`);
    console.log(`${png}: ${Math.round(fs.statSync(png).size / 1024)} KiB`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
