/**
 * Constraint expressions between sweep axes ("baseK <= k", "baseM * baseK <= 65536",
 * "fusion != 'fixpipe' || preset == 'ascend910b'"): a small recursive-descent parser over numbers,
 * quoted strings, names (dotted, as config paths), + - * / %, comparisons, && || ! and parentheses.
 * User text is only ever parsed into this tree and walked; it is never evaluated as JavaScript.
 * Precedence as in C: unary ! and -, then * / %, + -, < <= > >=, == !=, &&, ||.
 */

/** A value inside an expression: numbers (booleans are 1 and 0) and strings. */
export type ExprValue = number | string;

export type Expr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'name'; readonly name: string; readonly at: number }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly arg: Expr; readonly at: number }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly at: number };

type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** A parse or evaluation problem; `column` counts from 1. */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly column?: number,
  ) {
    super(column === undefined ? message : `${message} at column ${column}`);
  }
}

/** Longest expression and deepest nesting accepted: a runaway input stops here, not in the stack. */
const MAX_LENGTH = 2000;
const MAX_DEPTH = 64;

interface Token {
  readonly kind: 'num' | 'str' | 'name' | 'op' | 'end';
  readonly text: string;
  readonly at: number;
}

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')'] as const;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;
const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    const name = num ? null : NAME.exec(rest);
    const quote = rest[0] === '"' || rest[0] === "'" ? rest[0] : null;
    if (num) out.push({ kind: 'num', text: num[0], at: i });
    else if (name) out.push({ kind: 'name', text: name[0], at: i });
    else if (quote) {
      const end = rest.indexOf(quote, 1);
      if (end < 0) throw new ExprError(`the string opened by ${quote} is not closed`, i + 1);
      out.push({ kind: 'str', text: rest.slice(1, end), at: i });
      i += end + 1;
      continue;
    } else {
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (!op) throw new ExprError(`unexpected ${JSON.stringify(rest[0])} (allowed: numbers, names, quoted strings, ${OPERATORS.join(' ')})`, i + 1);
      out.push({ kind: 'op', text: op, at: i });
    }
    i += out.at(-1)!.text.length;
  }
  out.push({ kind: 'end', text: 'the end', at: text.length });
  return out;
}

/** Binary operators by precedence level, loosest first. */
const LEVELS: readonly (readonly BinaryOp[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

/** Parses `text` into a tree (ExprError with the column on bad syntax). */
export function parseExpr(text: string): Expr {
  if (text.length > MAX_LENGTH) throw new ExprError(`is ${text.length} characters long; at most ${MAX_LENGTH}`);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const fail = (t: Token, what: string): never => {
    throw new ExprError(`${what}, found ${t.kind === 'end' ? 'the end' : JSON.stringify(t.text)}`, t.at + 1);
  };

  const level = (l: number, depth: number): Expr => {
    if (depth > MAX_DEPTH) throw new ExprError(`nests deeper than ${MAX_DEPTH} levels`, peek().at + 1);
    if (l === LEVELS.length) return unary(depth);
    let left = level(l + 1, depth);
    for (let t = peek(); t.kind === 'op' && (LEVELS[l] as readonly string[]).includes(t.text); t = peek()) {
      pos++;
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: level(l + 1, depth), at: t.at };
    }
    return left;
  };

  const unary = (depth: number): Expr => {
    const t = peek();
    if (depth > MAX_DEPTH) throw new ExprError(`nests deeper than ${MAX_DEPTH} levels`, t.at + 1);
    if (t.kind === 'op' && (t.text === '!' || t.text === '-')) {
      pos++;
      return { kind: 'unary', op: t.text, arg: unary(depth + 1), at: t.at };
    }
    return primary(depth);
  };

  const primary = (depth: number): Expr => {
    const t = peek();
    pos++;
    if (t.kind === 'num') return { kind: 'num', value: Number(t.text) };
    if (t.kind === 'str') return { kind: 'str', value: t.text };
    if (t.kind === 'name') return { kind: 'name', name: t.text, at: t.at };
    if (t.kind === 'op' && t.text === '(') {
      const e = level(0, depth + 1);
      if (peek().text !== ')' || peek().kind !== 'op') fail(peek(), "expected ')'");
      pos++;
      return e;
    }
    return fail(t, 'expected a number, a name, a string or (');
  };

  const e = level(0, 0);
  if (peek().kind !== 'end') fail(peek(), 'expected an operator');
  return e;
}

/** Every name the expression reads, in order of first use. */
export function namesIn(e: Expr): string[] {
  const out = new Set<string>();
  const walk = (x: Expr): void => {
    if (x.kind === 'name') out.add(x.name);
    else if (x.kind === 'unary') walk(x.arg);
    else if (x.kind === 'binary') (walk(x.left), walk(x.right));
  };
  walk(e);
  return [...out];
}

const num = (v: ExprValue, op: string): number => {
  if (typeof v !== 'number') throw new ExprError(`${op} needs numbers, got the string ${JSON.stringify(v)}`);
  return v;
};

const ARITHMETIC: Readonly<Record<'+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=', (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '<': (a, b) => Number(a < b),
  '<=': (a, b) => Number(a <= b),
  '>': (a, b) => Number(a > b),
  '>=': (a, b) => Number(a >= b),
};

const truthy = (v: ExprValue): boolean => (typeof v === 'number' ? v !== 0 : v !== '');

/** The value of `e` with names looked up in `env` (own keys only). */
export function evaluate(e: Expr, env: Readonly<Record<string, ExprValue>>): ExprValue {
  switch (e.kind) {
    case 'num':
    case 'str':
      return e.value;
    case 'name':
      if (!Object.hasOwn(env, e.name)) throw new ExprError(`unknown name ${e.name}`, e.at + 1);
      return env[e.name]!;
    case 'unary':
      return e.op === '!' ? Number(!truthy(evaluate(e.arg, env))) : -num(evaluate(e.arg, env), 'unary -');
    case 'binary': {
      if (e.op === '&&') return Number(truthy(evaluate(e.left, env)) && truthy(evaluate(e.right, env)));
      if (e.op === '||') return Number(truthy(evaluate(e.left, env)) || truthy(evaluate(e.right, env)));
      const a = evaluate(e.left, env);
      const b = evaluate(e.right, env);
      if (e.op === '==' || e.op === '!=') {
        if (typeof a !== typeof b) throw new ExprError(`${e.op} compares a ${typeof a} with a ${typeof b} (${JSON.stringify(a)} ${e.op} ${JSON.stringify(b)})`, e.at + 1);
        return Number((a === b) === (e.op === '=='));
      }
      if ((e.op === '/' || e.op === '%') && num(b, e.op) === 0) throw new ExprError(`division by zero (${JSON.stringify(a)} ${e.op} 0)`, e.at + 1);
      return ARITHMETIC[e.op](num(a, e.op), num(b, e.op));
    }
  }
}

/** True when `e` holds (a non-zero number or a non-empty string). */
export const holds = (e: Expr, env: Readonly<Record<string, ExprValue>>): boolean => truthy(evaluate(e, env));
