import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { ALL_ROLES } from '../platform/auth/roles.ts';
import { amountBand, desensitise, DISCLOSURE, maskText, UnclassifiedField } from '../kernel/dataClass.ts';
import { PERSONAL_DATA_ACCESS } from './subjects/rules.ts';
import { classificationMarkdown, DATA_CLASSIFICATION } from './classification.ts';

// The same files drizzle-kit reads for the migrations (drizzle.config.ts): every table there is.
const schemas = import.meta.glob(['../platform/*/schema.ts', './*/schema.ts', './*/*/schema.ts'], { eager: true });

function storedColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const mod of Object.values(schemas)) {
    for (const value of Object.values(mod as Record<string, unknown>)) {
      if (!is(value, PgTable)) continue;
      const cols = Object.values(getTableColumns(value) as Record<string, { name: string }>).map((c) => c.name);
      out.set(getTableName(value), cols);
    }
  }
  return out;
}

describe('data classification (数据分类分级)', () => {
  const classified = new Map(DATA_CLASSIFICATION.flatMap((o) => o.tables).map((t) => [t.table, t.columns]));

  it('every column of every table has exactly one class, and nothing classed is not stored', () => {
    const stored = storedColumns();
    expect(stored.size).toBeGreaterThan(80);
    const missing: string[] = [];
    for (const [table, columns] of stored) {
      const classes = classified.get(table);
      if (!classes) {
        missing.push(`${table}: the table has no classification (add classify(...) beside its schema)`);
        continue;
      }
      for (const c of columns) if (!classes[c]) missing.push(`${table}.${c}: no class`);
    }
    expect(missing).toEqual([]);
    const extra = [...classified].flatMap(([table, cols]) =>
      Object.keys(cols)
        .filter((c) => !stored.get(table)?.includes(c))
        .map((c) => `${table}.${c}`),
    );
    expect(extra).toEqual([]);
    const tables = DATA_CLASSIFICATION.flatMap((o) => o.tables.map((t) => t.table));
    expect(new Set(tables).size).toBe(tables.length);
  });

  it('personal identifiers and secrets are core', () => {
    for (const [table, col] of [
      ['individuals', 'id_number_encrypted'],
      ['individuals', 'name_encrypted'],
      ['dutyfree_buyers', 'id_number_encrypted'],
      ['dutyfree_reservations', 'phone_hash'],
      ['users', 'password_hash'],
      ['api_clients', 'key_hash'],
      ['webhook_subscriptions', 'secret_encrypted'],
    ]) {
      expect(classified.get(table!)?.[col!], `${table}.${col}`).toBe('CORE');
    }
    expect(classified.get('risk_decisions')?.score).toBe('IMPORTANT');
    expect(classified.get('enterprises')?.uscc).toBe('GENERAL');
  });

  it('docs/data-classification.md is the table generated from the code', () => {
    const doc = readFileSync(new URL('../../docs/data-classification.md', import.meta.url), 'utf8');
    expect(doc, 'run: npx tsx scripts/data-classification.ts').toBe(classificationMarkdown());
  });

  it('no role reads core data beyond the masking table of individuals (subjects README)', () => {
    const rank = { NONE: 0, DESENSITISED: 1, MASKED: 1, CLEAR: 2, FULL: 2 } as const;
    for (const role of ALL_ROLES) {
      expect(rank[DISCLOSURE[role].CORE], role).toBeLessThanOrEqual(rank[PERSONAL_DATA_ACCESS[role]]);
    }
  });
});

describe('desensitising by class and role', () => {
  const rules = {
    id: { class: 'GENERAL', redact: 'omit' },
    value: { class: 'IMPORTANT', redact: 'band' },
    name: { class: 'CORE', redact: 'mask' },
    lines: { class: 'GENERAL', redact: 'omit' },
    'lines[].price': { class: 'IMPORTANT', redact: 'band' },
    'lines[].note': { class: 'IMPORTANT', redact: 'omit' },
  } as const;
  const value = { id: 'a', value: '356000.00', name: '张三丰', lines: [{ price: '0.50', note: 'x' }] };

  it('amounts become their order of magnitude, texts their first character', () => {
    expect(amountBand('356000.00')).toBe('100000-1000000');
    expect(amountBand('100000')).toBe('100000-1000000');
    expect(amountBand('99999.99')).toBe('10000-100000');
    expect(amountBand('9')).toBe('1-10');
    expect(amountBand('0.50')).toBe('0-1');
    expect(maskText('张三丰')).toBe('张**');
    expect(maskText('')).toBe('');
  });

  it('each role by the disclosure table', () => {
    expect(desensitise(value, rules, 'inspector')).toEqual(value);
    expect(desensitise(value, rules, 'risk_analyst')).toEqual({ ...value, name: '张**' });
    expect(desensitise(value, rules, 'department')).toEqual({
      id: 'a',
      value: '100000-1000000',
      lines: [{ price: '0-1' }],
    });
    expect(desensitise(value, rules, 'enterprise_user')).toEqual({});
  });

  it('a field without a class is never sent', () => {
    expect(() => desensitise({ ...value, extra: 1 }, rules, 'department')).toThrow(UnclassifiedField);
  });
});
