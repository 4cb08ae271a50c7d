import { z } from 'zod';
import type { Violation } from './violation.ts';

/** Turns a kernel validator into a zod refinement that reports the rule id with the message. */
export function checkedBy(check: (value: string) => Violation | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const violation = check(value);
    if (violation) ctx.addIssue({ code: 'custom', message: violation.message, params: { rule: violation.rule } });
  };
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A business date, YYYY-MM-DD (Asia/Shanghai calendar). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD.')
  .refine(isCalendarDate, { message: 'Not a calendar date.', params: { rule: 'date.calendar' } });

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string().optional() })).optional(),
  })
  .passthrough();
