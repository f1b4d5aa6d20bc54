/**
 * docs/isa.md is what the opcode table renders (regenerate with `npm run isa:doc`), and it covers
 * every opcode and operand: a new row or operand that the reference would miss fails here.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MNEMONICS, OPCODES } from '../isa/opcodes.js';
import { ISA_DOC_PATH, renderIsaReference } from '../scripts/isa/reference.js';

describe('the ISA reference', () => {
  const text = renderIsaReference();

  it('is current (npm run isa:doc regenerates it)', () => {
    expect(fs.readFileSync(ISA_DOC_PATH, 'utf8')).toBe(text);
  });

  it('has a section per opcode with its syntax, pipe, timing rule and every operand', () => {
    const sections = text.split(/^### /m).slice(1);
    expect(sections.map((s) => s.slice(1, s.indexOf('`', 1))).sort()).toEqual([...MNEMONICS].sort());
    for (const m of MNEMONICS) {
      const s = sections.find((x) => x.startsWith(`\`${m}\``))!;
      expect(s, m).toMatch(/- pipe: (SCALAR|CUBE|VECTOR|MTE1|MTE2|MTE3|FIXP)/);
      expect(s, m).toMatch(/- timing: \S/);
      for (const o of OPCODES[m].operands) expect(s, `${m} ${o.name}`).toContain(`| \`${o.name}\` |`);
    }
  });
});
