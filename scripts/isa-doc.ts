/**
 * Writes docs/isa.md, the ISA reference rendered from the opcode table (scripts/isa/reference.ts).
 *
 *   npm run isa:doc            (= npm run build && node dist/scripts/isa-doc.js)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/repo-root.js';
import { ISA_DOC_PATH, renderIsaReference } from './isa/reference.js';

const text = renderIsaReference();
writeFileSync(join(repoRoot(), ISA_DOC_PATH), text);
process.stdout.write(`wrote ${ISA_DOC_PATH} (${Buffer.byteLength(text)} bytes)\n`);
