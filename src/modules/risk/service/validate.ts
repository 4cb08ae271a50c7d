import type { z } from 'zod';
import { problems, type FieldError } from '../../../kernel/problem.ts';

/** ["lines", 3, "quantity"] -> "lines[3].quantity"; [2, "kind"] -> "[2].kind" */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/**
 * Validates a value other modules hand in (not through HTTP, so no route schema ran): a problem
 * naming each field path and rule, thrown inside the caller's transaction so nothing is written.
 */
export function parseOrProblem<S extends z.ZodType>(
  schema: S,
  value: unknown,
  rulePrefix: string,
  pathPrefix: (string | number)[] = [],
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors: FieldError[] = r.error.issues.map((i) => {
    const rule = (i as { params?: { rule?: string } }).params?.rule ?? `${rulePrefix}.${i.code}`;
    if (i.code === 'unrecognized_keys')
      return {
        path: issuePath([...pathPrefix, ...i.path, (i as { keys: string[] }).keys[0]!]),
        message: 'Unknown field; remove it.',
        rule: 'schema.unrecognizedKey',
      };
    return { path: issuePath([...pathPrefix, ...i.path]), message: i.message, rule };
  });
  throw problems.validation(errors);
}
