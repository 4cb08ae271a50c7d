/**
 * What a policy parameter is: its meaning, the schema every value must satisfy (type, unit, range)
 * and its seeded versions. Modules write the schemas of their parameters (src/modules/<module>/
 * parameters.ts); the composition root hands the whole list to the parameters service, which checks
 * the seeds at start-up, every value an administrator sets, and every value it reads.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { Violation } from '../../kernel/violation.ts';
import type { ParameterSeed } from './defaults.ts';

export type { ParameterSeed };

export interface ParameterDefinition {
  name: string;
  /** What the value means, with its unit. */
  description: string;
  schema: z.ZodType;
  /** The versions seeded on a database's first start (and for names added later, on the next start). */
  defaults: ParameterSeed[];
}

/** What a module writes for each of its parameters; the seeds are matched by name. */
export interface ParameterSpec {
  description: string;
  schema: z.ZodType;
}
export type ParameterSpecs = Record<string, ParameterSpec>;

/** Pairs the specs with the seeds. Every seed needs a spec: a parameter without a schema could hold anything. */
export function defineParameters(specs: ParameterSpecs, seeds: readonly ParameterSeed[]): ParameterDefinition[] {
  const byName = new Map<string, ParameterSeed[]>();
  for (const seed of seeds) byName.set(seed.name, [...(byName.get(seed.name) ?? []), seed]);
  const problems: string[] = [];
  for (const name of byName.keys()) {
    if (Object.hasOwn(specs, name)) continue;
    problems.push(`${name} has seeds but no schema: add one in its module's parameters.ts (src/modules/parameters.ts)`);
  }
  // A spec without seeds is allowed: a parameter an administrator sets before first use (reading it
  // before then is the 'parameter-missing' problem).
  if (problems.length) throw new Error(`Policy parameter definitions are incomplete:\n${problems.join('\n')}`);
  // In the seeds' order, so a new database numbers the versions as it always did.
  const names = [...byName.keys(), ...Object.keys(specs).filter((n) => !byName.has(n))];
  return names.map((name) => ({ name, ...specs[name]!, defaults: byName.get(name) ?? [] }));
}

/** The rule id of a value that fails a parameter's schema. */
export const parameterRule = (name: string) => `parameters.${name}`;

/** What is wrong with a value for a parameter, each with its path inside the value; empty when valid. */
export function valueViolations(
  def: Pick<ParameterDefinition, 'name' | 'schema'>,
  value: unknown,
): (Violation & { path: string })[] {
  const result = def.schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join(''),
    rule: (issue as { params?: { rule?: string } }).params?.rule ?? parameterRule(def.name),
    message: issue.message,
  }));
}

/** Throws at start-up when a seeded value breaks its own schema, or a name is defined twice. */
export function validateDefinitions(defs: readonly ParameterDefinition[]): void {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const def of defs) {
    if (seen.has(def.name)) problems.push(`${def.name} is defined twice.`);
    seen.add(def.name);
    for (const seed of def.defaults) {
      for (const v of valueViolations(def, seed.value)) {
        problems.push(`${def.name} (seed from ${seed.validFrom})${v.path}: ${v.message}`);
      }
    }
  }
  if (problems.length) throw new Error(`Policy parameter seeds break their schemas:\n${problems.join('\n')}`);
}

/** A module's check of a value for one of its parameters: null when the name is not its own. */
export type ValueCheck = (name: string, value: unknown) => Violation[] | null;

/**
 * A schema from a module's existing check `(name, value) => violations | null`, for modules that
 * wrote their checks before schemas existed; the rule ids stay the module's own.
 */
export function checkedValue(name: string, check: ValueCheck): z.ZodType {
  return z.unknown().superRefine((value, ctx) => {
    const violations = check(name, value);
    if (violations === null) {
      ctx.addIssue({ code: 'custom', message: `No check knows ${name}.`, params: { rule: parameterRule(name) } });
    }
    for (const v of violations ?? []) ctx.addIssue({ code: 'custom', message: v.message, params: { rule: v.rule } });
  });
}

/** Specs for every seeded name of a module that has a check function; each seed's reason describes it. */
export function specsFromCheck(seeds: readonly ParameterSeed[], check: ValueCheck): ParameterSpecs {
  const specs: ParameterSpecs = {};
  for (const seed of seeds) specs[seed.name] = { description: seed.reason, schema: checkedValue(seed.name, check) };
  return specs;
}

// The value types parameters are made of. Messages say the unit and the range, so a refusal says what to send.

/** A whole number of a unit (hours, days, lines...) from min to max. */
export function wholeNumber(min: number, max: number, unit: string): z.ZodNumber {
  const message = `Use a whole number of ${unit} from ${min} to ${max}.`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;

/** A decimal string (decimals are never floats) from min to max inclusive, e.g. "0.30". */
export function decimalString(min: string, max: string, what: string): z.ZodString {
  const message = `Use ${what} as a decimal string from ${min} to ${max}, e.g. "${min}".`;
  return z
    .string({ error: message })
    .regex(DECIMAL, message)
    .refine((s) => !DECIMAL.test(s) || (new Decimal(s).gte(min) && new Decimal(s).lte(max)), message);
}

/** A share from 0 to 1 as a decimal string, e.g. "0.03". */
export const rate = (what = 'a rate') => decimalString('0', '1', what);
