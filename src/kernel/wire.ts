import { z } from 'zod';
import type { Violation } from './violation.ts';

/** Turns a kernel validator into a zod refinement that reports the rule id with the message. */
export function checkedBy(check: (value: string) => Violation | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const violation = check(value);
    if (violation) ctx.addIssue({ code: 'custom', message: violation.message, params: { rule: violation.rule } });
  };
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no u flag).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text that can be stored and sent on: PostgreSQL text cannot hold a NUL byte, and an unpaired
 * surrogate (a JSON escape like "\ud800") has no UTF-8 form. Either one reached the database as a
 * 500; refused here, it is a 400 naming the field.
 */
export function textViolation(s: string): Violation | null {
  if (s.includes('\u0000')) return { rule: 'text.nul', message: 'Text may not contain NUL characters (\\u0000).' };
  if (LONE_SURROGATE.test(s)) {
    return { rule: 'text.surrogate', message: 'Text may not contain unpaired surrogates (invalid Unicode).' };
  }
  return null;
}

/**
 * Every string a client sends (names, ids, codes, filters, free text): use `text` instead of
 * `z.string()` in request schemas, then chain as usual (`text.trim().min(1).max(200)`).
 */
export const text = z.string().superRefine(checkedBy(textViolation));

/**
 * Business dates on the wire lie in these years. PostgreSQL has no year 0 and JavaScript dates
 * count years beyond 9999; no customs record is dated outside this range.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(s: string): boolean {
  // The pattern check reports other shapes; this one only judges YYYY-MM-DD.
  if (!DATE_PATTERN.test(s)) return true;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function inYearRange(year: number): boolean {
  return Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
}

const yearRange = { message: `Use a date from ${MIN_YEAR} to ${MAX_YEAR}.`, params: { rule: 'date.range' } };

/** A business date, YYYY-MM-DD (Asia/Shanghai calendar), in years MIN_YEAR to MAX_YEAR. */
export const isoDate = z
  .string()
  .regex(DATE_PATTERN, 'Use a date as YYYY-MM-DD.')
  .refine(isCalendarDate, { message: 'Not a calendar date.', params: { rule: 'date.calendar' } })
  .refine((s) => !DATE_PATTERN.test(s) || inYearRange(Number(s.slice(0, 4))), yearRange);

/** An instant, ISO 8601 with an offset (e.g. 2026-11-23T10:00:00+08:00), in years MIN_YEAR to MAX_YEAR. */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((s) => {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) || inYearRange(d.getUTCFullYear());
  }, yearRange)
  .describe('ISO 8601 date-time');

/** A row number or other whole-number id in a path or query: bounded so the database can compare it. */
export const serialNumber = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

const MAX_JSON_DEPTH = 32;

/** The first thing in a JSON value the database could not store, with its path. */
type JsonPath = (string | number)[];

function jsonViolation(value: unknown, path: JsonPath, depth: number): (Violation & { path: JsonPath }) | null {
  if (depth > MAX_JSON_DEPTH) {
    return { rule: 'json.depth', message: `Nest JSON at most ${MAX_JSON_DEPTH} levels deep.`, path };
  }
  if (typeof value === 'string') {
    const v = textViolation(value);
    return v ? { ...v, path } : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { rule: 'json.number', message: 'Numbers must be finite.', path };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = jsonViolation(value[i], [...path, i], depth + 1);
      if (v) return v;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const k = textViolation(key);
      if (k) return { ...k, path: [...path, key] };
      const v = jsonViolation(inner, [...path, key], depth + 1);
      if (v) return v;
    }
  }
  return null;
}

/** Free-form JSON a client sends (a parameter value, a scope): storable text, finite numbers, bounded depth. */
export const jsonValue = z.unknown().superRefine((value, ctx) => {
  const v = jsonViolation(value, [], 0);
  if (v) ctx.addIssue({ code: 'custom', message: v.message, path: v.path, params: { rule: v.rule } });
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string().optional() })).optional(),
  })
  .passthrough();
