/**
 * The risk feature language (风险特征表达式): a small, safe expression language over named facts.
 *
 * Analysts edit features in the web app, so a definition is data, never code: this file tokenises,
 * parses, type-checks and compiles an expression into a tree of closures. There is no eval, no
 * Function, no property access by name at run time: a field is resolved against the catalogue at
 * compile time, a function against a fixed list. Limits on length, nodes, depth and list size keep
 * a hostile definition from costing more than a well-meant one.
 *
 * Values are numbers, strings, booleans or null (a fact that is not known, e.g. no reference price
 * yet). Logic is three-valued (Kleene, as in SQL): a comparison with null is null, `not null` is null,
 * `null and false` is false, `null or true` is true. A feature fires only when its expression is true.
 *
 *   line.refCount >= 20 and line.priceRatio < 0.5
 *   decl.kind == 'SECOND_LINE_EXIT' and line.regime in ['ZERO_TARIFF'] and line.daysSinceEntry < 30
 *   line.valueAddedMargin between 0 and 0.03
 *   abs(line.netWeightKg - line.quantity) / line.quantity > 0.05
 */

export type ValueType = 'number' | 'string' | 'boolean';
export type Value = number | string | boolean | null;
/** DECLARATION and LINE read a declaration's facts; SALE a duty-free sale's (sale., buyer., person., link.). */
export type Scope = 'DECLARATION' | 'LINE' | 'SALE';

export interface FieldDef {
  name: string;
  type: ValueType;
  scope: Scope;
}

/** The facts one expression sees: the declaration's, and for a line feature the line's. */
export interface Env {
  decl: Readonly<Record<string, Value>>;
  line: Readonly<Record<string, Value>> | null;
}

export interface ExpressionError {
  /** 1-based column in the source. */
  column: number;
  message: string;
  rule: string;
}

export interface Compiled {
  evaluate(env: Env): Value;
  /** The fields the expression reads: what a decision shows as evidence when it fires. */
  fields: string[];
  scope: Scope;
}

export const LIMITS = { sourceLength: 2000, nodes: 400, depth: 32, listItems: 200 } as const;

type TokKind = 'num' | 'str' | 'ident' | 'op' | 'eof';
interface Tok {
  kind: TokKind;
  text: string;
  pos: number;
  num?: number;
  str?: string;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'true', 'false', 'null']);
const OPERATORS = ['<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '(', ')', '[', ']', ','];

class Fail extends Error {
  constructor(
    readonly pos: number,
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? ''))
        throw new Fail(start, `"${src.slice(start, i + 1)}" is not a number.`, 'risk.expression.syntax');
      toks.push({ kind: 'num', text: m[0], pos: start, num: Number(m[0]) });
      continue;
    }
    if (c === "'" || c === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Fail(start, 'This string is not closed.', 'risk.expression.syntax');
        const d = src[i]!;
        if (d === c) break;
        if (d === '\\') {
          const e = src[i + 1];
          if (e !== c && e !== '\\')
            throw new Fail(i, 'Only \\\\ and an escaped quote are allowed in a string.', 'risk.expression.syntax');
          out += e;
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      i++;
      toks.push({ kind: 'str', text: src.slice(start, i), pos: start, str: out });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))!;
      i += m[0].length;
      toks.push({ kind: 'ident', text: m[0], pos: start });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new Fail(start, `Unexpected character "${c}".`, 'risk.expression.syntax');
    i += op.length;
    toks.push({ kind: 'op', text: op, pos: start });
  }
  toks.push({ kind: 'eof', text: 'end of expression', pos: src.length });
  return toks;
}

type Node =
  | { k: 'lit'; pos: number; v: Value }
  | { k: 'list'; pos: number; items: Node[] }
  | { k: 'field'; pos: number; name: string }
  | { k: 'call'; pos: number; fn: string; args: Node[] }
  | { k: 'neg' | 'not'; pos: number; e: Node }
  | { k: 'bin'; pos: number; op: string; l: Node; r: Node }
  | { k: 'in'; pos: number; e: Node; list: Node; negate: boolean }
  | { k: 'between'; pos: number; e: Node; lo: Node; hi: Node };

class Parser {
  private i = 0;
  private nodes = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private isKw(text: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === text;
  }
  private expectOp(text: string): Tok {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== text)
      throw new Fail(t.pos, `Expected "${text}" but found ${describe(t)}.`, 'risk.expression.syntax');
    return t;
  }
  private node<T extends Node>(n: T, depth: number): T {
    if (++this.nodes > LIMITS.nodes)
      throw new Fail(
        n.pos,
        `An expression may have at most ${LIMITS.nodes} parts; split the feature.`,
        'risk.expression.tooLarge',
      );
    if (depth > LIMITS.depth)
      throw new Fail(n.pos, `An expression may nest at most ${LIMITS.depth} levels deep.`, 'risk.expression.tooDeep');
    return n;
  }

  parse(): Node {
    const e = this.or(0);
    const t = this.peek();
    if (t.kind !== 'eof')
      throw new Fail(t.pos, `Unexpected ${describe(t)}; did you forget "and" or "or"?`, 'risk.expression.syntax');
    return e;
  }

  private or(d: number): Node {
    let l = this.and(d + 1);
    while (this.isKw('or')) {
      const pos = this.next().pos;
      l = this.node({ k: 'bin', op: 'or', pos, l, r: this.and(d + 1) }, d);
    }
    return l;
  }
  private and(d: number): Node {
    let l = this.not(d + 1);
    while (this.isKw('and')) {
      const pos = this.next().pos;
      l = this.node({ k: 'bin', op: 'and', pos, l, r: this.not(d + 1) }, d);
    }
    return l;
  }
  private not(d: number): Node {
    if (this.isKw('not')) {
      const pos = this.next().pos;
      return this.node({ k: 'not', pos, e: this.not(d + 1) }, d);
    }
    return this.comparison(d + 1);
  }
  private comparison(d: number): Node {
    const l = this.sum(d + 1);
    const t = this.peek();
    if (t.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.text)) {
      this.next();
      return this.node({ k: 'bin', op: t.text, pos: t.pos, l, r: this.sum(d + 1) }, d);
    }
    if (this.isKw('in')) {
      this.next();
      return this.node({ k: 'in', pos: t.pos, e: l, list: this.list(d + 1), negate: false }, d);
    }
    if (this.isKw('not') && this.toks[this.i + 1]?.kind === 'ident' && this.toks[this.i + 1]!.text === 'in') {
      this.i += 2;
      return this.node({ k: 'in', pos: t.pos, e: l, list: this.list(d + 1), negate: true }, d);
    }
    if (this.isKw('between')) {
      this.next();
      const lo = this.sum(d + 1);
      if (!this.isKw('and'))
        throw new Fail(this.peek().pos, `"between" needs "and": x between low and high.`, 'risk.expression.syntax');
      this.next();
      return this.node({ k: 'between', pos: t.pos, e: l, lo, hi: this.sum(d + 1) }, d);
    }
    return l;
  }
  private list(d: number): Node {
    const open = this.expectOp('[');
    const items: Node[] = [];
    if (!this.isOp(']')) {
      for (;;) {
        items.push(this.unary(d + 1));
        if (items.length > LIMITS.listItems)
          throw new Fail(open.pos, `A list may have at most ${LIMITS.listItems} items.`, 'risk.expression.tooLarge');
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    this.expectOp(']');
    return this.node({ k: 'list', pos: open.pos, items }, d);
  }
  private sum(d: number): Node {
    let l = this.product(d + 1);
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      l = this.node({ k: 'bin', op: t.text, pos: t.pos, l, r: this.product(d + 1) }, d);
    }
    return l;
  }
  private product(d: number): Node {
    let l = this.unary(d + 1);
    while (this.isOp('*') || this.isOp('/')) {
      const t = this.next();
      l = this.node({ k: 'bin', op: t.text, pos: t.pos, l, r: this.unary(d + 1) }, d);
    }
    return l;
  }
  private unary(d: number): Node {
    if (this.isOp('-')) {
      const pos = this.next().pos;
      return this.node({ k: 'neg', pos, e: this.unary(d + 1) }, d);
    }
    return this.primary(d + 1);
  }
  private primary(d: number): Node {
    const t = this.next();
    if (t.kind === 'num') return this.node({ k: 'lit', pos: t.pos, v: t.num! }, d);
    if (t.kind === 'str') return this.node({ k: 'lit', pos: t.pos, v: t.str! }, d);
    if (t.kind === 'op' && t.text === '(') {
      const e = this.or(d + 1);
      this.expectOp(')');
      return e;
    }
    if (t.kind === 'op' && t.text === '[')
      throw new Fail(t.pos, 'A list is only allowed after "in".', 'risk.expression.syntax');
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return this.node({ k: 'lit', pos: t.pos, v: t.text === 'true' }, d);
      if (t.text === 'null') return this.node({ k: 'lit', pos: t.pos, v: null }, d);
      if (KEYWORDS.has(t.text))
        throw new Fail(t.pos, `"${t.text}" cannot start a value here.`, 'risk.expression.syntax');
      if (this.isOp('(')) {
        this.next();
        const args: Node[] = [];
        if (!this.isOp(')')) {
          for (;;) {
            args.push(this.or(d + 1));
            if (!this.isOp(',')) break;
            this.next();
          }
        }
        this.expectOp(')');
        return this.node({ k: 'call', pos: t.pos, fn: t.text, args }, d);
      }
      return this.node({ k: 'field', pos: t.pos, name: t.text }, d);
    }
    throw new Fail(t.pos, `Expected a value but found ${describe(t)}.`, 'risk.expression.syntax');
  }
}

function describe(t: Tok): string {
  return t.kind === 'eof' ? 'the end of the expression' : `"${t.text}"`;
}

// ---- types and compilation ------------------------------------------------------------------

type Fn = (env: Env) => Value;
interface Typed {
  /** null: the literal null, which fits any type. */
  type: ValueType | null;
  fn: Fn;
  constant: boolean;
}

interface FunctionDef {
  args: (ValueType | 'any')[] | { each: ValueType; min: number };
  returns: ValueType | 'first';
  impl: (args: Value[]) => Value;
}

const num = (v: Value): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: Value): string | null => (typeof v === 'string' ? v : null);

const FUNCTIONS: Record<string, FunctionDef> = {
  abs: { args: ['number'], returns: 'number', impl: ([a]) => (num(a!) === null ? null : Math.abs(a as number)) },
  log: {
    args: ['number'],
    returns: 'number',
    impl: ([a]) => (num(a!) === null || (a as number) <= 0 ? null : Math.log(a as number)),
  },
  round: {
    args: ['number', 'number'],
    returns: 'number',
    impl: ([a, p]) =>
      num(a!) === null || num(p!) === null
        ? null
        : Number((a as number).toFixed(Math.max(0, Math.min(10, p as number)))),
  },
  min: {
    args: { each: 'number', min: 2 },
    returns: 'number',
    impl: (xs) => (xs.some((x) => num(x) === null) ? null : Math.min(...(xs as number[]))),
  },
  max: {
    args: { each: 'number', min: 2 },
    returns: 'number',
    impl: (xs) => (xs.some((x) => num(x) === null) ? null : Math.max(...(xs as number[]))),
  },
  coalesce: { args: ['any', 'any'], returns: 'first', impl: ([a, b]) => (a === null ? b! : a!) },
  present: { args: ['any'], returns: 'boolean', impl: ([a]) => a !== null },
  contains: {
    args: ['string', 'string'],
    returns: 'boolean',
    impl: ([s, p]) =>
      str(s!) === null || str(p!) === null ? null : (s as string).toLowerCase().includes((p as string).toLowerCase()),
  },
  startsWith: {
    args: ['string', 'string'],
    returns: 'boolean',
    impl: ([s, p]) => (str(s!) === null || str(p!) === null ? null : (s as string).startsWith(p as string)),
  },
  endsWith: {
    args: ['string', 'string'],
    returns: 'boolean',
    impl: ([s, p]) => (str(s!) === null || str(p!) === null ? null : (s as string).endsWith(p as string)),
  },
};
export const FUNCTION_NAMES = Object.keys(FUNCTIONS);

/** Levenshtein distance, for "did you mean" on unknown names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function suggestion(name: string, candidates: string[]): string {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) (best = c), (bestD = d);
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 4)) ? ` Did you mean "${best}"?` : '';
}

class Compiler {
  readonly used = new Set<string>();
  constructor(
    private readonly fields: ReadonlyMap<string, FieldDef>,
    private readonly scope: Scope,
  ) {}

  compile(n: Node): Typed {
    switch (n.k) {
      case 'lit':
        return { type: n.v === null ? null : (typeof n.v as ValueType), fn: () => n.v, constant: true };
      case 'list':
        throw new Fail(n.pos, 'A list is only allowed after "in".', 'risk.expression.syntax');
      case 'field':
        return this.field(n.name, n.pos);
      case 'call':
        return this.call(n);
      case 'neg': {
        const e = this.want(n.e, 'number', 'The minus sign needs a number.');
        return { type: 'number', fn: (env) => negate(e.fn(env)), constant: e.constant };
      }
      case 'not': {
        const e = this.want(n.e, 'boolean', '"not" needs a condition (true or false).');
        return { type: 'boolean', fn: (env) => kleeneNot(e.fn(env)), constant: e.constant };
      }
      case 'in':
        return this.membership(n);
      case 'between': {
        const e = this.want(n.e, 'number', '"between" compares numbers.');
        const lo = this.want(n.lo, 'number', '"between" needs a number as its low bound.');
        const hi = this.want(n.hi, 'number', '"between" needs a number as its high bound.');
        return {
          type: 'boolean',
          constant: false,
          fn: (env) => {
            const v = num(e.fn(env));
            const a = num(lo.fn(env));
            const b = num(hi.fn(env));
            return v === null || a === null || b === null ? null : v >= a && v <= b;
          },
        };
      }
      case 'bin':
        return this.binary(n);
    }
  }

  private want(n: Node, type: ValueType, message: string): Typed {
    const c = this.compile(n);
    if (c.type !== null && c.type !== type)
      throw new Fail(n.pos, `${message} This is ${article(c.type)}.`, 'risk.expression.type');
    return c;
  }

  private field(name: string, pos: number): Typed {
    const def = this.fields.get(name);
    if (!def) {
      const prefix = name.split('.')[0];
      const known = [...this.fields.keys()];
      const hint = FUNCTIONS[name] ? ` "${name}" is a function: write ${name}(…).` : suggestion(name, known);
      const rule = KEYWORDS.has(name) ? 'risk.expression.syntax' : 'risk.expression.unknownField';
      const prefixes =
        this.scope === 'SALE'
          ? 'sale., buyer., person. or link.'
          : 'decl., line., trader., credit., enterprise., route., origin. or party.';
      throw new Fail(
        pos,
        `Unknown field "${name}".${
          hint || (prefix && !known.some((k) => k.startsWith(`${prefix}.`)) ? ` Fields start with ${prefixes}` : '')
        }`,
        rule,
      );
    }
    if (def.scope === 'LINE' && this.scope === 'DECLARATION') {
      throw new Fail(
        pos,
        `"${name}" is a fact of one goods line: give the feature the scope LINE.`,
        'risk.expression.scope',
      );
    }
    this.used.add(name);
    const lineField = def.scope === 'LINE';
    return {
      type: def.type,
      constant: false,
      fn: lineField
        ? (env) => {
            const line = env.line;
            if (line === null || line === undefined) return null;
            const v = line[name];
            return v === undefined ? null : v;
          }
        : (env) => {
            const v = env.decl[name];
            return v === undefined ? null : v;
          },
    };
  }

  private call(n: Extract<Node, { k: 'call' }>): Typed {
    const def = Object.hasOwn(FUNCTIONS, n.fn) ? FUNCTIONS[n.fn] : undefined;
    if (!def)
      throw new Fail(
        n.pos,
        `Unknown function "${n.fn}". Functions: ${FUNCTION_NAMES.join(', ')}.${suggestion(n.fn, FUNCTION_NAMES)}`,
        'risk.expression.unknownFunction',
      );
    const args = n.args.map((a) => this.compile(a));
    const expected = Array.isArray(def.args)
      ? def.args
      : Array.from({ length: Math.max(args.length, def.args.min) }, () => (def.args as { each: ValueType }).each);
    if (Array.isArray(def.args) ? args.length !== def.args.length : args.length < def.args.min) {
      throw new Fail(
        n.pos,
        `${n.fn}() takes ${Array.isArray(def.args) ? def.args.length : `at least ${def.args.min}`} argument(s), ` +
          `got ${args.length}.`,
        'risk.expression.arity',
      );
    }
    args.forEach((a, i) => {
      const want = expected[i]!;
      if (want !== 'any' && a.type !== null && a.type !== want)
        throw new Fail(
          n.args[i]!.pos,
          `Argument ${i + 1} of ${n.fn}() must be ${article(want)}, not ${article(a.type)}.`,
          'risk.expression.type',
        );
    });
    if (n.fn === 'coalesce' && args[0]!.type !== null && args[1]!.type !== null && args[0]!.type !== args[1]!.type) {
      throw new Fail(n.pos, 'Both arguments of coalesce() must have the same type.', 'risk.expression.type');
    }
    const type = def.returns === 'first' ? (args[0]!.type ?? args[1]!.type) : def.returns;
    const fns = args.map((a) => a.fn);
    if (n.fn === 'abs') {
      const f = fns[0]!;
      return { type, constant: false, fn: (env) => abs(f(env)) };
    }
    // One argument array per call site, refilled on each evaluation: an implementation never keeps it,
    // and a call site is never inside its own arguments.
    const values: Value[] = new Array(fns.length);
    return {
      type,
      constant: false,
      fn: (env) => {
        for (let i = 0; i < fns.length; i++) values[i] = fns[i]!(env);
        return def.impl(values);
      },
    };
  }

  private membership(n: Extract<Node, { k: 'in' }>): Typed {
    const e = this.compile(n.e);
    if (n.list.k !== 'list') throw new Fail(n.list.pos, '"in" needs a list: x in [a, b].', 'risk.expression.syntax');
    const values = new Set<Value>();
    for (const item of n.list.items) {
      const c = this.compile(item);
      if (!c.constant) throw new Fail(item.pos, 'A list holds constants only.', 'risk.expression.type');
      if (e.type !== null && c.type !== null && c.type !== e.type)
        throw new Fail(
          item.pos,
          `The list holds ${article(c.type)} but the value is ${article(e.type)}.`,
          'risk.expression.type',
        );
      values.add(c.fn({ decl: {}, line: null }));
    }
    const negate = n.negate;
    return {
      type: 'boolean',
      constant: false,
      fn: (env) => {
        const v = e.fn(env);
        if (v === null) return null;
        return values.has(v) !== negate;
      },
    };
  }

  private binary(n: Extract<Node, { k: 'bin' }>): Typed {
    if (n.op === 'and' || n.op === 'or') {
      const l = this.want(n.l, 'boolean', `"${n.op}" joins conditions.`);
      const r = this.want(n.r, 'boolean', `"${n.op}" joins conditions.`);
      const lf = l.fn;
      const rf = r.fn;
      const constant = l.constant && r.constant;
      // Kleene logic: null and false is false, null or true is true; the right side only when needed.
      if (n.op === 'and')
        return {
          type: 'boolean',
          constant,
          fn: (env) => {
            const a = lf(env);
            if (a === false) return false;
            const b = rf(env);
            if (b === false) return false;
            return a === null || b === null ? null : true;
          },
        };
      return {
        type: 'boolean',
        constant,
        fn: (env) => {
          const a = lf(env);
          if (a === true) return true;
          const b = rf(env);
          if (b === true) return true;
          return a === null || b === null ? null : false;
        },
      };
    }
    if (['+', '-', '*', '/'].includes(n.op)) {
      const l = this.want(n.l, 'number', `"${n.op}" needs numbers.`);
      const r = this.want(n.r, 'number', `"${n.op}" needs numbers.`);
      return { type: 'number', constant: l.constant && r.constant, fn: arithmetic(n.op, l.fn, r.fn) };
    }
    const l = this.compile(n.l);
    const r = this.compile(n.r);
    if (l.type !== null && r.type !== null && l.type !== r.type) {
      throw new Fail(n.pos, `"${n.op}" compares ${article(l.type)} with ${article(r.type)}.`, 'risk.expression.type');
    }
    if (l.type === null || r.type === null) {
      throw new Fail(
        n.pos,
        `Nothing equals null (an unknown fact): use present(x) to test whether a fact is known.`,
        'risk.expression.nullComparison',
      );
    }
    if (l.type === 'boolean' && n.op !== '==' && n.op !== '!=')
      throw new Fail(n.pos, `"${n.op}" does not order true and false.`, 'risk.expression.type');
    return { type: 'boolean', constant: false, fn: comparison(n.op, l, r) };
  }
}

/**
 * Arithmetic on two operands: null when either is not a finite number (or on division by zero). One
 * closure per operator, so each call site evaluates without a table lookup or an indirect call.
 */
function arithmetic(op: string, l: Fn, r: Fn): Fn {
  switch (op) {
    case '+':
      return (env) => {
        const a = num(l(env));
        const b = num(r(env));
        return a === null || b === null ? null : a + b;
      };
    case '-':
      return (env) => {
        const a = num(l(env));
        const b = num(r(env));
        return a === null || b === null ? null : a - b;
      };
    case '*':
      return (env) => {
        const a = num(l(env));
        const b = num(r(env));
        return a === null || b === null ? null : a * b;
      };
    case '/':
      return (env) => {
        const a = num(l(env));
        const b = num(r(env));
        return a === null || b === null || b === 0 ? null : a / b;
      };
  }
  throw new Error(`unknown operator ${op}`);
}

type Ordered = number | string | boolean;

/**
 * A comparison: null when either side is null, else the comparison. A constant right-hand side (the
 * usual `field < 0.5`) is read once at compile time; the operator is fixed per call site.
 */
function comparison(op: string, l: Typed, r: Typed): Fn {
  const lf = l.fn;
  if (r.constant) {
    const c = r.fn({ decl: {}, line: null });
    if (c !== null) {
      const k = c as Ordered;
      switch (op) {
        case '<':
          return (env) => {
            const a = lf(env);
            return a === null ? null : (a as Ordered) < k;
          };
        case '<=':
          return (env) => {
            const a = lf(env);
            return a === null ? null : (a as Ordered) <= k;
          };
        case '>':
          return (env) => {
            const a = lf(env);
            return a === null ? null : (a as Ordered) > k;
          };
        case '>=':
          return (env) => {
            const a = lf(env);
            return a === null ? null : (a as Ordered) >= k;
          };
        case '==':
          return (env) => {
            const a = lf(env);
            return a === null ? null : a === k;
          };
        case '!=':
          return (env) => {
            const a = lf(env);
            return a === null ? null : a !== k;
          };
      }
    }
  }
  const rf = r.fn;
  switch (op) {
    case '<':
      return (env) => {
        const a = lf(env);
        const b = rf(env);
        return a === null || b === null ? null : a < b;
      };
    case '<=':
      return (env) => {
        const a = lf(env);
        const b = rf(env);
        return a === null || b === null ? null : a <= b;
      };
    case '>':
      return (env) => {
        const a = lf(env);
        const b = rf(env);
        return a === null || b === null ? null : a > b;
      };
    case '>=':
      return (env) => {
        const a = lf(env);
        const b = rf(env);
        return a === null || b === null ? null : a >= b;
      };
    case '==':
      return (env) => {
        const a = lf(env);
        const b = rf(env);
        return a === null || b === null ? null : a === b;
      };
    case '!=':
      return (env) => {
        const a = lf(env);
        const b = rf(env);
        return a === null || b === null ? null : a !== b;
      };
  }
  throw new Error(`unknown comparison ${op}`);
}

function abs(v: Value): Value {
  return num(v) === null ? null : Math.abs(v as number);
}

function negate(v: Value): Value {
  return typeof v === 'number' ? -v : null;
}
function kleeneNot(v: Value): Value {
  return v === null ? null : !v;
}
function article(t: ValueType | null): string {
  return t === null ? 'null' : t === 'number' ? 'a number' : t === 'string' ? 'a string' : 'a condition (true/false)';
}

export type CompileResult = { ok: true; compiled: Compiled } | { ok: false; errors: ExpressionError[] };

/** Parses, type-checks and compiles one expression against a field catalogue. */
export function compileExpression(source: string, fields: ReadonlyMap<string, FieldDef>, scope: Scope): CompileResult {
  const fail = (pos: number, message: string, rule: string): CompileResult => ({
    ok: false,
    errors: [{ column: pos + 1, message, rule }],
  });
  if (typeof source !== 'string' || source.trim() === '')
    return fail(0, 'The expression is empty.', 'risk.expression.empty');
  if (source.length > LIMITS.sourceLength)
    return fail(
      LIMITS.sourceLength,
      `An expression may have at most ${LIMITS.sourceLength} characters.`,
      'risk.expression.tooLarge',
    );
  try {
    const ast = new Parser(tokenize(source)).parse();
    const compiler = new Compiler(fields, scope);
    const typed = compiler.compile(ast);
    if (typed.type !== 'boolean')
      return fail(
        0,
        `A feature is a condition (true or false), but this expression is ${article(typed.type)}.`,
        'risk.expression.notCondition',
      );
    if (compiler.used.size === 0)
      return fail(
        0,
        'The expression reads no fact, so it would always give the same answer.',
        'risk.expression.constant',
      );
    return { ok: true, compiled: { evaluate: typed.fn, fields: [...compiler.used].sort(), scope } };
  } catch (err) {
    if (err instanceof Fail) return fail(err.pos, err.message, err.rule);
    throw err;
  }
}
