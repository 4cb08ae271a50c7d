/** Resale rings, yellow list, cases, sale reviews and the person's own view: HTTP shapes. */
import { z } from 'zod';
import { isoDate, pageQuery, text } from '../../../kernel/wire.ts';
import { ID_TYPES } from '../rules.ts';
import { LINK_KINDS } from './rules.ts';
import { scoreOut } from '../../personalcredit/wire.ts';

const part = z.object({ code: z.string(), points: z.number(), value: z.number() });
const buyer = z.object({
  buyerId: z.string(),
  idType: z.string(),
  idNumber: z.string(),
  name: z.string(),
  masked: z.boolean(),
});
const facts = z.object({
  repeatCategory: z.number(),
  trips: z.number(),
  nearMaxTrips: z.number(),
  frequentTripRuns: z.number(),
  maxQuotaPercent: z.number(),
  marketCodes: z.number(),
});

export const detectBody = z
  .object({
    to: isoDate
      .optional()
      .describe('the last day of the window (today by default); the window is dutyfree.rings.lookbackDays long'),
  })
  .strict();

export const runSummaryOut = z.object({
  runId: z.string(),
  windowFrom: z.string(),
  windowTo: z.string(),
  buyers: z.number(),
  sales: z.number(),
  rings: z.number(),
  yellow: z.object({ opened: z.number(), refreshed: z.number(), reopened: z.number() }),
  parameterVersion: z.number(),
});

export const runOut = z.object({
  runId: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  parameterVersion: z.number(),
  stats: z.record(z.string(), z.number()),
  rings: z.number(),
  yellow: z.number(),
  runBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
});

export const ringOut = z.object({
  ringId: z.string(),
  runId: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  score: z.number(),
  behaviour: z.number(),
  structure: z.number(),
  size: z.number(),
  parts: z.array(part),
  detectedAt: z.string(),
  members: z.array(
    z.object({
      buyer,
      score: z.number(),
      parts: z.array(part),
      facts,
      entryId: z.string().nullable(),
      entryStatus: z.string().nullable(),
    }),
  ),
  links: z.array(
    z.object({
      kind: z.enum(LINK_KINDS),
      id: z.string().describe('the last 6 hex digits of the identifier’s hash'),
      label: z.string().nullable().describe('the identifier, masked'),
      buyers: z.array(z.string()),
    }),
  ),
});

export const YELLOW_STATUSES = ['OPEN', 'PROPOSED', 'CLEARED', 'CONFIRMED'] as const;

export const yellowQuery = z.object({ status: z.enum(YELLOW_STATUSES).default('OPEN'), ...pageQuery }).strict();

export const yellowOut = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      entryId: z.string(),
      buyer,
      score: z.number(),
      parts: z.array(part),
      ringId: z.string().nullable(),
      ringScore: z.number().nullable(),
      ringSize: z.number().nullable(),
      status: z.enum(YELLOW_STATUSES),
      caseId: z.string().nullable(),
      openedAt: z.string(),
      updatedAt: z.string(),
    }),
  ),
});

export const proposeBody = z
  .object({
    proposal: z
      .enum(['CONFIRM', 'CLEAR'])
      .describe('CONFIRM: a resale case (ban, credit input, score deduction); CLEAR: nothing found'),
    entryIds: z.array(z.uuid()).min(1).max(500),
    ringId: z.uuid().optional(),
    note: text.trim().min(3).max(2000),
  })
  .strict();

export const decisionBody = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), note: text.trim().min(3).max(2000) })
  .strict();

const effect = z.object({
  buyerId: z.string(),
  banId: z.string().nullable(),
  banFrom: z.string().nullable(),
  banTo: z.string().nullable(),
  creditRecordId: z.string(),
});

export const caseOut = z.object({
  caseId: z.string(),
  proposal: z.enum(['CONFIRM', 'CLEAR']),
  ringId: z.string().nullable(),
  buyerIds: z.array(z.string()),
  entryIds: z.array(z.string()),
  note: z.string(),
  status: z.enum(['PROPOSED', 'APPROVED', 'REJECTED']),
  proposedBy: z.string(),
  proposedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  effects: z.array(effect).nullable(),
});

export const proposedOut = z.object({
  caseId: z.string(),
  status: z.literal('PROPOSED'),
  proposal: z.enum(['CONFIRM', 'CLEAR']),
  buyerIds: z.array(z.string()),
  entryIds: z.array(z.string()),
});

export const decidedOut = z.object({
  caseId: z.string(),
  status: z.enum(['APPROVED', 'REJECTED']),
  proposal: z.enum(['CONFIRM', 'CLEAR']),
  effects: z.array(effect),
});

/** A sale the risk engine refused at the till: officers see the rule, score and facts; the till saw only the rule. */
export const riskRefusalOut = z.object({
  refusalId: z.string().describe('the id the reservation would have had'),
  shop: z.string(),
  buyer: z.object({ idType: z.string(), idNumber: z.string(), name: z.string() }).describe('masked'),
  businessDate: z.string(),
  amount: z.string(),
  rule: z.string(),
  level: z.string(),
  score: z.number(),
  facts: z.record(z.string(), z.unknown()),
  fired: z.array(z.unknown()),
  featureSetVersion: z.number(),
  createdAt: z.string(),
});

export const profileOut = z.object({
  buyer,
  trips: z.array(
    z.object({
      tripId: z.string(),
      mode: z.string(),
      number: z.string(),
      departureDate: z.string(),
      destination: z.string(),
      sales: z.number(),
      amount: z.string(),
      departure: z.string().nullable().describe('how the departure was confirmed (CARRIER, PICKUP_SCAN), or null'),
    }),
  ),
  rings: z.array(
    z.object({
      ringId: z.string(),
      memberScore: z.number(),
      ringScore: z.number(),
      size: z.number(),
      detectedAt: z.string(),
    }),
  ),
  entries: z.array(
    z.object({
      entryId: z.string(),
      status: z.string(),
      score: z.number(),
      ringScore: z.number().nullable(),
      openedAt: z.string(),
      caseId: z.string().nullable(),
    }),
  ),
  sales: z.array(
    z.object({
      reservationId: z.string(),
      shop: z.string(),
      status: z.string(),
      amount: z.string().describe('what the buyer kept (returns taken off)'),
      collection: z.string(),
      createdAt: z.string(),
    }),
  ),
  bans: z.array(
    z.object({
      banId: z.string(),
      reason: z.string(),
      validFrom: z.string(),
      validTo: z.string(),
      liftedAt: z.string().nullable(),
    }),
  ),
  riskRefusals: z.array(riskRefusalOut).describe('sales the risk engine refused at the till, newest first'),
  credit: scoreOut,
});

export const salesOfDayOut = z.object({
  date: z.string(),
  items: z.array(
    z.object({
      shop: z.string(),
      shopName: z.object({ zh: z.string(), en: z.string() }),
      category: z.string(),
      categoryName: z.object({ zh: z.string(), en: z.string() }),
      sales: z.number(),
      units: z.number(),
      amount: z.string(),
    }),
  ),
});

export const reviewOut = z.object({
  reservationId: z.string(),
  buyer,
  shop: z.string(),
  level: z.string(),
  score: z.number(),
  reason: z.string().describe('CREDIT_LEVEL, or the risk rule (risk.<feature>) that sent the sale to review'),
  amount: z.string(),
  status: z.enum(['OPEN', 'DONE']),
  openedAt: z.string(),
  reviewedBy: z.string().nullable(),
  outcome: z.string().nullable(),
  note: z.string().nullable(),
});

export const reviewBody = z
  .object({ outcome: z.enum(['NORMAL', 'SUSPECT']), note: text.trim().min(3).max(2000) })
  .strict();

export const selfBody = z
  .object({
    idType: z.enum(ID_TYPES),
    idNumber: text.trim().toUpperCase().min(5).max(32),
    name: text.trim().min(1).max(100),
    code: text
      .trim()
      .toUpperCase()
      .min(4)
      .max(40)
      .describe('a traceability code of goods sold to you (on your receipt)'),
  })
  .strict();

const selfView = {
  quota: z.object({ year: z.number(), quota: z.string(), used: z.string(), reserved: z.string(), left: z.string() }),
  purchases: z
    .array(
      z.object({
        reservationId: z.string(),
        shop: z.string(),
        status: z.string(),
        amount: z.string().describe('what you kept (returns taken off)'),
        collection: z.string(),
        createdAt: z.string(),
      }),
    )
    .describe('your latest sales, newest first'),
  credit: scoreOut,
};

export const selfViewOut = z.object(selfView);

export const selfOut = z.object({
  ...selfView,
  token: z.string().describe('send as header x-dutyfree-self-token to GET /api/v1/dutyfree/self until expiresAt'),
  expiresAt: z.string(),
});
