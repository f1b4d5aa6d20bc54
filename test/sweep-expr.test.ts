/**
 * The constraint language of sweep specs: C precedence, strings compared only with == and !=,
 * errors with the column, and nothing of the text ever reaching JavaScript evaluation.
 */
import { describe, expect, it } from 'vitest';
import { ExprError, evaluate, holds, namesIn, parseExpr } from '../scripts/lib/sweep/expr.js';

const ev = (text: string, env: Record<string, number | string> = {}) => evaluate(parseExpr(text), env);

describe('constraint expressions', () => {
  it('evaluates with C precedence and dotted names', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('10 - 4 - 3')).toBe(3);
    expect(ev('7 % 4 + 8 / 2')).toBe(7);
    expect(ev('-2 * -3')).toBe(6);
    expect(ev('1 < 2 == 1')).toBe(1);
    expect(ev('!0 && 1 || 0')).toBe(1);
    expect(ev('baseM * baseK <= 65536', { baseM: 256, baseK: 256 })).toBe(1);
    expect(ev('baseM * baseK <= 65536', { baseM: 512, baseK: 256 })).toBe(0);
    expect(ev('l2.bytes / 1024 >= 256', { 'l2.bytes': 262144 })).toBe(1);
    expect(ev('1.5e3 == 1500')).toBe(1);
  });

  it('compares strings with == and != only', () => {
    const env = { fusion: 'ub', preset: 'ascend910b' };
    expect(holds(parseExpr(`fusion != "fixpipe" || preset == 'ascend910b'`), env)).toBe(true);
    expect(() => ev('fusion + 1', env)).toThrow(/\+ needs numbers, got the string "ub"/);
    expect(() => ev('fusion == 1', env)).toThrow(/compares a string with a number/);
  });

  it('lists the names it reads', () => {
    expect(namesIn(parseExpr('baseK <= k && baseM * baseK <= 65536 || k == 0'))).toEqual(['baseK', 'k', 'baseM']);
  });

  it.each([
    ['baseM <= ', /expected a number, a name, a string or \(, found the end at column 10/],
    ['baseM ** 2', /expected a number, a name, a string or \(, found "\*" at column 8/],
    ['(baseM', /expected '\)', found the end at column 7/],
    ['baseM = 2', /unexpected "=" .* at column 7/],
    ['baseM $ 2', /unexpected "\$" .* at column 7/],
    ['"open', /the string opened by " is not closed at column 1/],
    ['process.exit(1)', /expected an operator, found "\(" at column 13/],
    ['constructor', /unknown name constructor/],
    ['1 / 0', /division by zero/],
    [`${'('.repeat(100)}1${')'.repeat(100)}`, /nests deeper than 64 levels/],
    [`${'!'.repeat(100)}1`, /nests deeper than 64 levels/],
    ['1 + '.repeat(600), /characters long; at most 2000/],
  ])('%s is an error that says where', (text, want) => {
    let err: unknown;
    try {
      ev(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExprError);
    expect((err as Error).message).toMatch(want);
  });

  it('looks names up as own keys only', () => {
    expect(() => ev('toString', {})).toThrow(/unknown name toString/);
    expect(() => ev('__proto__ == 0', {})).toThrow(/unknown name __proto__/);
  });
});
