/** The command centre's HTTP shapes. */
import { z } from 'zod';
import { SECOND_LINE_PORTS } from '../../kernel/ports.ts';
import { AGE_BUCKETS, WINDOWS } from './rules.ts';
import { DRILL_PANELS } from './service.ts';

const portCode = z.enum(SECOND_LINE_PORTS.map((p) => p.code) as [string, ...string[]]);
const secondsOrNull = z.number().nullable().describe('seconds; null when nothing exited');
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const summaryQuery = z
  .object({
    window: z.enum(WINDOWS).default('today').describe('today: the Shanghai day so far; 24h: the last 24 hours'),
  })
  .strict();

export const drillQuery = z
  .object({
    panel: z.enum(DRILL_PANELS),
    window: z.enum(WINDOWS).default('today'),
    port: portCode.optional(),
    decision: z.enum(['PASS', 'DIVERT']).optional(),
    state: z
      .enum(['SUBMITTED', 'ACCEPTED', 'HELD', 'REJECTED', 'RELEASED', 'EXITED', 'CANCELLED', 'AMENDED'])
      .optional(),
    hour: z.coerce.number().int().min(0).max(23).optional(),
    level: z.enum(['RED', 'YELLOW']).optional(),
    bucket: z.enum(AGE_BUCKETS.map((b) => b.code) as [string, ...string[]]).optional(),
    status: z.enum(['OPEN', 'ASSIGNED', 'IN_PROGRESS']).optional(),
    overdue: flag.optional(),
    creditClass: z.enum(['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS']).optional(),
    selected: flag.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();

const clearanceFigures = z.object({
  n: z.number(),
  releaseP50: secondsOrNull,
  releaseP90: secondsOrNull,
  exitP50: secondsOrNull,
  exitP90: secondsOrNull,
});
const decimal = z.string().describe('decimal string, CNY');

export const summaryOut = z.object({
  window: z.object({ name: z.enum(WINDOWS), from: z.string(), until: z.string(), to: z.string() }),
  ports: z.array(
    z.object({
      code: z.string(),
      nameZh: z.string(),
      nameEn: z.string(),
      kind: z.string(),
      location: z.tuple([z.number(), z.number()]).describe('[longitude, latitude]'),
      passed: z.number(),
      diverted: z.number(),
      queue: z.number().describe('open inspection tasks at the port'),
      queueOpen: z.number(),
      queueAssigned: z.number(),
      queueInProgress: z.number(),
    }),
  ),
  gateHours: z.array(z.object({ hour: z.number(), label: z.string(), passed: z.number(), diverted: z.number() })),
  declarations: z.object({
    byState: z.array(z.object({ state: z.string(), count: z.number() })),
    total: z.number(),
    heldNow: z.number(),
    heldOverdue: z.number(),
    overdueHours: z.number(),
  }),
  inspections: z.object({
    total: z.number(),
    oldestAt: z.string().nullable(),
    byAge: z.array(z.object({ bucket: z.string(), open: z.number(), assigned: z.number(), inProgress: z.number() })),
  }),
  alerts: z.object({
    hours: z.array(z.object({ hour: z.number(), label: z.string(), red: z.number(), yellow: z.number() })),
    red: z.number(),
    yellow: z.number(),
  }),
  tax: z.object({
    bills: z.number(),
    supplementary: z.number(),
    duty: decimal,
    consumptionTax: decimal,
    vat: decimal,
    total: decimal,
  }),
  clearance: z.object({
    ports: z.array(clearanceFigures.extend({ code: z.string() })),
    overall: clearanceFigures,
    trend: z.array(z.object({ day: z.string(), n: z.number(), exitP50: secondsOrNull, exitP90: secondsOrNull })),
  }),
  credit: z.object({
    days: z.number(),
    fromDay: z.string(),
    toDay: z.string(),
    classes: z.array(
      z.object({
        creditClass: z.string(),
        assessed: z.number(),
        selected: z.number(),
        outcomes: z.number(),
        hits: z.number(),
      }),
    ),
  }),
  dutyfree: z.object({
    day: z.string().describe('the Shanghai day of the figures (today)'),
    sales: z.number(),
    shops: z.array(
      z.object({
        shop: z.string(),
        shopName: z.object({ zh: z.string(), en: z.string() }),
        sales: z.number(),
        units: z.number(),
        amount: decimal,
        returned: decimal,
      }),
    ),
    categories: z.array(z.object({ category: z.string(), sales: z.number() })),
    yellow: z.object({ open: z.number(), proposed: z.number(), queue: z.number() }),
  }),
  tookMs: z.number(),
});

export const drillOut = z.object({
  panel: z.enum(DRILL_PANELS),
  total: z.number(),
  items: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
});
