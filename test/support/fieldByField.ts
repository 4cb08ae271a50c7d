import type { FieldRules } from '../../src/kernel/dataClass.ts';
import { amountBand, DISCLOSURE, maskText, type ReaderRole } from '../../src/kernel/dataClass.ts';

/**
 * Compares, field by field, what an officer reads (everything) with what `role` was sent, against
 * the rules: each field in clear, desensitised by its method, or absent — as its class and the role
 * say. Returns the differences (empty when the reader got exactly what the table allows) and counts
 * the fields checked per disclosure, so a test can see that each kind was exercised.
 */
export function fieldByField(
  full: unknown,
  sent: unknown,
  rules: FieldRules,
  role: ReaderRole,
  path = '',
  seen: Record<string, number> = {},
): { problems: string[]; seen: Record<string, number> } {
  const problems: string[] = [];
  if (Array.isArray(full)) {
    if (!Array.isArray(sent) || sent.length !== full.length) problems.push(`${path}: array differs`);
    else
      full.forEach((v, i) =>
        problems.push(...fieldByField(v, sent[i], rules, role, path && `${path}[]`, seen).problems),
      );
    return { problems, seen };
  }
  if (full === null || typeof full !== 'object') return { problems, seen };
  const out = (sent ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(full)) {
    const p = path ? `${path}.${key}` : key;
    const rule = rules[p];
    if (!rule) {
      problems.push(`${p}: no class`);
      continue;
    }
    const disclosure = DISCLOSURE[role][rule.class];
    const how = disclosure === 'DESENSITISED' ? `DESENSITISED:${rule.redact}` : disclosure;
    seen[how] = (seen[how] ?? 0) + 1;
    if (disclosure === 'NONE' || (disclosure === 'DESENSITISED' && rule.redact === 'omit')) {
      if (key in out) problems.push(`${p}: ${rule.class} must not reach ${role}, was ${JSON.stringify(out[key])}`);
      continue;
    }
    if (!(key in out)) {
      problems.push(`${p}: ${rule.class} should reach ${role}`);
      continue;
    }
    if (disclosure === 'CLEAR') {
      if (value !== null && typeof value === 'object') {
        problems.push(...fieldByField(value, out[key], rules, role, p, seen).problems);
      } else if (out[key] !== value)
        problems.push(`${p}: expected ${JSON.stringify(value)}, got ${JSON.stringify(out[key])}`);
      continue;
    }
    const expected =
      value === null ? null : rule.redact === 'band' ? amountBand(String(value)) : maskText(String(value));
    if (out[key] !== expected)
      problems.push(`${p}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(out[key])}`);
  }
  for (const key of Object.keys(out))
    if (!(key in (full as object))) problems.push(`${path}.${key}: not in the full view`);
  return { problems, seen };
}
