/**
 * Data classification (数据分类分级): every stored field is CORE (核心数据), IMPORTANT (重要数据) or
 * GENERAL (一般数据), and what leaves for another department is desensitised by the field's class and
 * the reader's role. Pure: the classes of stored columns live next to each module's schema
 * (`classification.ts`, checked against the tables by test/platform/classification.int.test.ts); the
 * classes of the fields an export or feed sends are declared beside its wire schema as `FieldRules`.
 */
import { Decimal } from 'decimal.js';

export const DATA_CLASSES = ['CORE', 'IMPORTANT', 'GENERAL'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** How a reader sees a field of a class it is not cleared for in clear. */
export type Disclosure = 'CLEAR' | 'DESENSITISED' | 'NONE';

/**
 * How a field is desensitised: `band` turns an amount into its order of magnitude ("100000-1000000"),
 * `mask` keeps the first character of a text (张**), `omit` leaves the field out.
 */
export type Redaction = 'band' | 'mask' | 'omit';

export interface FieldRule {
  class: DataClass;
  redact: Redaction;
}
/** Rules by field path: `goods[].valueCny` is every line's valueCny; a nested object is its own path. */
export type FieldRules = Readonly<Record<string, FieldRule>>;

/** The readers of shared data, by role: what each sees of each class. */
export type ReaderRole =
  | 'admin'
  | 'inspector'
  | 'auditor'
  | 'risk_analyst'
  | 'command_viewer'
  | 'department'
  | 'enterprise_user'
  | 'gate_device'
  | 'dutyfree_shop'
  | 'system';

/**
 * The disclosure table (docs/data-classification.md prints it). Officers whose work needs everything
 * (admin, inspection, audit) read all classes; analysts and the command centre read core data only
 * desensitised; a department reads general data, important data desensitised, core data never; a
 * machine at a gate or a till, or a trader, is never sent another party's shared data.
 */
export const DISCLOSURE: Readonly<Record<ReaderRole, Readonly<Record<DataClass, Disclosure>>>> = {
  system: { CORE: 'CLEAR', IMPORTANT: 'CLEAR', GENERAL: 'CLEAR' },
  admin: { CORE: 'CLEAR', IMPORTANT: 'CLEAR', GENERAL: 'CLEAR' },
  inspector: { CORE: 'CLEAR', IMPORTANT: 'CLEAR', GENERAL: 'CLEAR' },
  auditor: { CORE: 'CLEAR', IMPORTANT: 'CLEAR', GENERAL: 'CLEAR' },
  risk_analyst: { CORE: 'DESENSITISED', IMPORTANT: 'CLEAR', GENERAL: 'CLEAR' },
  command_viewer: { CORE: 'DESENSITISED', IMPORTANT: 'CLEAR', GENERAL: 'CLEAR' },
  department: { CORE: 'NONE', IMPORTANT: 'DESENSITISED', GENERAL: 'CLEAR' },
  enterprise_user: { CORE: 'NONE', IMPORTANT: 'NONE', GENERAL: 'NONE' },
  gate_device: { CORE: 'NONE', IMPORTANT: 'NONE', GENERAL: 'NONE' },
  dutyfree_shop: { CORE: 'NONE', IMPORTANT: 'NONE', GENERAL: 'NONE' },
};

/** An amount as its order of magnitude: "356000.00" → "100000-1000000", below 1 → "0-1". */
export function amountBand(value: string): string {
  const d = new Decimal(value).abs();
  if (d.lt(1)) return '0-1';
  const low = new Decimal(10).pow(d.floor().toFixed(0).length - 1);
  return `${low.toFixed(0)}-${low.times(10).toFixed(0)}`;
}

/** A text with its first character kept: "海南椰风食品" → "海*****"; empty stays empty. */
export function maskText(value: string): string {
  const chars = [...value];
  return chars.length <= 1 ? chars.join('') : chars[0] + '*'.repeat(chars.length - 1);
}

function redacted(value: unknown, how: Redaction): unknown {
  if (how === 'omit') return undefined;
  if (value === null || value === undefined) return value;
  if (how === 'band' && typeof value === 'string') return amountBand(value);
  if (how === 'mask' && typeof value === 'string') return maskText(value);
  return undefined;
}

export class UnclassifiedField extends Error {}

/**
 * A value as a reader of `role` may see it under `rules`: each field shown, desensitised or left out
 * by its class. A field with no rule is an error, never shown: a field added to a feed without a class
 * fails its tests instead of leaking.
 */
export function desensitise<T>(value: T, rules: FieldRules, role: ReaderRole, path = ''): T {
  return walk(value, rules, DISCLOSURE[role], path) as T;
}

function walk(value: unknown, rules: FieldRules, table: Record<DataClass, Disclosure>, path: string): unknown {
  // A list's elements share its path; a list at the top is a list of the rules' own shape.
  if (Array.isArray(value)) return value.map((v) => walk(v, rules, table, path && `${path}[]`));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const p = path ? `${path}.${key}` : key;
    const rule = rules[p];
    if (!rule) throw new UnclassifiedField(`The field ${p} has no data class; classify it before it is shared.`);
    const disclosure = table[rule.class];
    if (disclosure === 'NONE') continue;
    if (disclosure === 'CLEAR') {
      out[key] = walk(inner, rules, table, p);
      continue;
    }
    const shown = redacted(inner, rule.redact);
    if (shown !== undefined) out[key] = shown;
  }
  return out;
}
