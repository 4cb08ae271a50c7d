import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileExpression, LIMITS, type Env, type FieldDef, type Value } from './expression.ts';
import { FIELDS } from './fields.ts';

const fields: ReadonlyMap<string, FieldDef> = new Map(
  [
    { name: 'decl.kind', type: 'string', scope: 'DECLARATION' },
    { name: 'decl.total', type: 'number', scope: 'DECLARATION' },
    { name: 'decl.flag', type: 'boolean', scope: 'DECLARATION' },
    { name: 'line.price', type: 'number', scope: 'LINE' },
    { name: 'line.ratio', type: 'number', scope: 'LINE' },
    { name: 'line.code', type: 'string', scope: 'LINE' },
  ].map((d) => [d.name, d as FieldDef]),
);

function run(src: string, decl: Record<string, Value>, line: Record<string, Value> | null = null): Value {
  const r = compileExpression(src, fields, 'LINE');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const env: Env = { decl, line };
  return r.compiled.evaluate(env);
}

function errorOf(src: string, scope: 'LINE' | 'DECLARATION' = 'LINE') {
  const r = compileExpression(src, fields, scope);
  if (r.ok) throw new Error(`expected ${src} to be rejected`);
  return r.errors[0]!;
}

describe('the risk feature language', () => {
  it('evaluates comparisons, arithmetic, membership, between and functions', () => {
    const d = { 'decl.kind': 'SECOND_LINE_EXIT', 'decl.total': 600_000, 'decl.flag': true };
    const l = { 'line.price': 40, 'line.ratio': 0.31, 'line.code': '020230' };
    expect(run("decl.kind == 'SECOND_LINE_EXIT' and decl.total >= 500000", d)).toBe(true);
    expect(run('line.price * 2 + 1 > 80 and line.price / 4 == 10', d, l)).toBe(true);
    expect(run("line.code in ['020230', '020220'] and decl.kind not in ['FIRST_LINE_IMPORT']", d, l)).toBe(true);
    expect(run('line.ratio between 0.30 and 0.33', d, l)).toBe(true);
    expect(run('line.ratio between 0.32 and 0.33', d, l)).toBe(false);
    expect(
      run(
        'abs(-line.price) == 40 and max(line.price, 50, 2) == 50 and min(1, 2) == 1 and round(line.ratio, 1) == 0.3',
        d,
        l,
      ),
    ).toBe(true);
    expect(run("contains(line.code, '202') and startsWith(line.code, '02') and endsWith(line.code, '30')", d, l)).toBe(
      true,
    );
    expect(run('not decl.flag or -1 < 0', d)).toBe(true);
    expect(run('log(line.price) > 3.68 and log(line.price) < 3.69', d, l)).toBe(true);
  });

  it('uses three-valued logic: an unknown fact never fires a feature, even under "not"', () => {
    const d = { 'decl.kind': 'X', 'decl.total': null, 'decl.flag': null };
    expect(run('decl.total > 5', d)).toBeNull();
    expect(run('not (decl.total > 5)', d)).toBeNull();
    expect(run('decl.total > 5 and false', d)).toBe(false);
    expect(run("decl.total > 5 or decl.kind == 'X'", d)).toBe(true);
    expect(run('present(decl.total)', d)).toBe(false);
    expect(run('coalesce(decl.total, 7) == 7', d)).toBe(true);
    expect(run('decl.total / 0 > 1', { ...d, 'decl.total': 5 })).toBeNull();
    expect(run('log(0 * decl.total) > 1', { ...d, 'decl.total': 5 })).toBeNull();
    expect(run('decl.total in [1, 2]', d)).toBeNull();
  });

  it('names what is wrong and where, with a suggestion', () => {
    expect(errorOf('line.prise < 5')).toMatchObject({
      column: 1,
      rule: 'risk.expression.unknownField',
      message: expect.stringContaining('Did you mean "line.price"'),
    });
    expect(errorOf('line.price < ')).toMatchObject({ column: 14, rule: 'risk.expression.syntax' });
    expect(errorOf("line.price < 'cheap'")).toMatchObject({ column: 12, rule: 'risk.expression.type' });
    expect(errorOf('line.price + 1')).toMatchObject({ rule: 'risk.expression.notCondition' });
    expect(errorOf('line.price < 5', 'DECLARATION')).toMatchObject({ rule: 'risk.expression.scope' });
    expect(errorOf('decl.total == null')).toMatchObject({ rule: 'risk.expression.nullComparison' });
    expect(errorOf('1 < 2')).toMatchObject({ rule: 'risk.expression.constant' });
    expect(errorOf('decl.kind in [decl.kind]')).toMatchObject({ rule: 'risk.expression.type' });
    expect(errorOf('decl.total between 1 or 2')).toMatchObject({ rule: 'risk.expression.syntax' });
    expect(errorOf("'unclosed")).toMatchObject({ column: 1, rule: 'risk.expression.syntax' });
    expect(errorOf('decl.flag < true')).toMatchObject({ rule: 'risk.expression.type' });
    expect(errorOf('')).toMatchObject({ rule: 'risk.expression.empty' });
  });

  it('rejects anything that tries to reach code: no property access, no unknown functions, no eval', () => {
    for (const src of [
      "constructor.constructor('return process')() == 1",
      'process.exit(1)',
      "eval('1') == 1",
      'decl.__proto__ == 1',
      'decl.kind.constructor == 1',
      "Function('x') == 1",
      'toString() == 1',
      'hasOwnProperty(decl.kind) == 1',
      'line.price; process.exit(1)',
      '`${process.env.SECRET}` == 1',
      'decl.total => 1',
      'this.decl == 1',
      'globalThis == 1',
    ]) {
      const r = compileExpression(src, fields, 'LINE');
      expect(r.ok, src).toBe(false);
    }
    expect(errorOf("eval('1') == 1").rule).toBe('risk.expression.unknownFunction');
    expect(errorOf('process.exit(1)').rule).toBe('risk.expression.unknownFunction');
    expect(errorOf('decl.__proto__ == 1').rule).toBe('risk.expression.unknownField');
  });

  it('refuses definitions too large or too deep to be worth evaluating', () => {
    expect(errorOf('x'.repeat(LIMITS.sourceLength + 1)).rule).toBe('risk.expression.tooLarge');
    expect(errorOf(`${'('.repeat(40)}decl.total > 1${')'.repeat(40)}`).rule).toBe('risk.expression.tooDeep');
    expect(errorOf(Array.from({ length: 150 }, (_, i) => `decl.total > ${i}`).join(' and ')).rule).toBe(
      'risk.expression.tooLarge',
    );
    expect(errorOf(`decl.total in [${Array.from({ length: 250 }, (_, i) => i).join(', ')}]`).rule).toBe(
      'risk.expression.tooLarge',
    );
  });

  it('never throws on arbitrary input: it compiles or names an error with a column', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (src) => {
        const r = compileExpression(src, FIELDS, 'LINE');
        if (!r.ok) {
          expect(r.errors[0]!.column).toBeGreaterThanOrEqual(1);
          expect(r.errors[0]!.rule).toMatch(/^risk\.expression\./);
        }
      }),
      { numRuns: 3000 },
    );
    const tokens = [
      'line.priceRatio',
      'decl.totalValueCny',
      '(',
      ')',
      'and',
      'or',
      'not',
      '<',
      '==',
      '0.5',
      "'X'",
      'in',
      '[',
      ']',
      ',',
      'abs',
      '-',
      '+',
      'between',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 12 }), (parts) => {
        const r = compileExpression(parts.join(' '), FIELDS, 'LINE');
        if (r.ok) expect(['boolean', 'object']).toContain(typeof r.compiled.evaluate({ decl: {}, line: {} }));
      }),
      { numRuns: 3000 },
    );
  });

  it('reports the fields an expression reads, as evidence', () => {
    const r = compileExpression('line.price < 5 and decl.total > 1 and line.price > 0', fields, 'LINE');
    expect(r.ok && r.compiled.fields).toEqual(['decl.total', 'line.price']);
  });
});
