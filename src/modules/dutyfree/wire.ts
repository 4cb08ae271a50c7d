/**
 * Duty-free HTTP shapes: zod in (strict), zod out. The reservation body is the fixed contract of
 * ../shared/spec/mission.md ("Offshore duty-free, added 2026-12-07"), with optional fields a shop may add for mail
 * delivery and for linking sales (payer, phone, payment account, device): a body without them is
 * exactly the contract's. The service checks the rules and names the fields.
 */
import { z } from 'zod';
import { isoDate, isoDateTime, text } from '../../kernel/wire.ts';
import { COLLECTIONS, DEPARTURE_MODES, DESTINATIONS, ID_TYPES } from './rules.ts';

/** At most this many lines in a sale, and units (each gets a traceability code). */
export const MAX_LINES = 100;
export const MAX_UNITS = 1000;

const money = text
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'A decimal string of CNY with at most 2 decimals, e.g. "1280.00".')
  .refine((v) => !/^0+(\.0+)?$/.test(v), { message: 'Must be more than 0.', params: { rule: 'dutyfree.positive' } })
  .describe('decimal string, CNY at retail price');

export const person = z
  .object({
    idType: z.enum(ID_TYPES),
    idNumber: text.trim().toUpperCase().min(5).max(32),
    name: text.trim().min(1).max(100),
  })
  .strict();

const buyer = person
  .extend({ birthDate: isoDate.optional().describe('required unless idType is RESIDENT_ID') })
  .strict();

export const departure = z
  .object({
    mode: z.enum(DEPARTURE_MODES),
    number: text
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9][A-Z0-9-]{1,19}$/, 'A flight, train or sailing number: letters, digits, dash.'),
    date: isoDate,
    destination: z.enum(DESTINATIONS),
  })
  .strict();

const item = z
  .object({
    sku: text.trim().min(1).max(64),
    name: text.trim().min(1).max(200),
    category: text.regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'A category code such as COSMETICS, MOBILE_PHONE, ALCOHOL.'),
    unitPrice: money,
    quantity: z.number().int().min(1).max(MAX_UNITS),
    piecesPerUnit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('pieces in a set (套装), counted towards a pieces limit; 1 by default'),
    volumeMl: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe('millilitres per unit; required for a category limited by volume (ALCOHOL)'),
  })
  .strict();

const phone = text
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'A phone number: digits, spaces, dashes, an optional leading +.');

export const mail = z
  .object({
    recipient: person,
    phone,
    address: z
      .object({
        province: text.regex(/^\d{2}$/, 'The GB/T 2260 province code, e.g. 44 for Guangdong.'),
        city: text.trim().min(1).max(50),
        line: text.trim().min(1).max(200),
        postalCode: text.regex(/^\d{6}$/, 'A 6-digit postal code.').optional(),
      })
      .strict(),
  })
  .strict();

export const reserveBody = z
  .object({
    requestId: z
      .uuid()
      .optional()
      .describe("the till's id for this request: the same id and body return the first answer"),
    buyer,
    departure,
    collection: z.enum(COLLECTIONS),
    items: z.array(item).min(1).max(MAX_LINES),
    payer: person.optional().describe('who paid; required for MAIL (buyer = payer = recipient)'),
    paymentAccount: text
      .trim()
      .min(1)
      .max(64)
      .optional()
      .describe('card or wallet account the payment came from (stored as a keyed hash)'),
    phone: phone.optional().describe("the buyer's phone"),
    deviceId: text.trim().min(1).max(128).optional().describe("id of the buyer's app or payment device"),
    mail: mail.optional().describe('required for MAIL'),
  })
  .strict()
  .superRefine((body, ctx) => {
    const units = body.items.reduce((n, i) => n + i.quantity, 0);
    if (units > MAX_UNITS)
      ctx.addIssue({
        code: 'custom',
        path: ['items'],
        message: `At most ${MAX_UNITS} units in one sale (${units} asked).`,
        params: { rule: 'dutyfree.maxUnits' },
      });
  });
export type ReserveBody = z.infer<typeof reserveBody>;

export const reserveOut = z.object({
  reservationId: z.string(),
  status: z.literal('RESERVED'),
  amount: z.string(),
  quotaLeft: z.string(),
  expiresAt: z.string(),
});

export const statusOut = z.object({
  reservationId: z.string(),
  status: z.enum(['CONFIRMED', 'CANCELLED']),
  codes: z
    .array(z.object({ lineNo: z.number(), sku: z.string(), codes: z.array(z.string()) }))
    .optional()
    .describe('one traceability code per unit sold'),
});

export const reservationIdParams = z.object({ id: z.uuid() });

export const returnBody = z
  .object({
    codes: z
      .array(text.trim().min(1).max(40))
      .min(1)
      .max(MAX_UNITS)
      .describe('the traceability codes of the units returned'),
  })
  .strict();

export const returnOut = z.object({
  reservationId: z.string(),
  returnedUnits: z.number(),
  amountReturned: z.string(),
  amountKept: z.string(),
  quotaYear: z.number(),
});

export const quotaQuery = z
  .object({
    idType: z.enum(ID_TYPES),
    idNumber: text.trim().toUpperCase().min(5).max(32),
    year: z.coerce
      .number()
      .int()
      .min(2011)
      .max(2199)
      .optional()
      .describe('calendar year (Asia/Shanghai); this year by default'),
  })
  .strict();

export const quotaLookupBody = quotaQuery.strict();

export const quotaOut = z.object({
  year: z.number(),
  quota: z.string(),
  used: z.string(),
  reserved: z.string(),
  left: z.string(),
});

export const reservationOut = z.object({
  reservationId: z.string(),
  shop: z.string(),
  status: z.string(),
  buyer: z.object({ idType: z.string(), idNumber: z.string(), name: z.string(), masked: z.boolean() }),
  departure: z.object({ mode: z.string(), number: z.string(), date: z.string(), destination: z.string() }),
  collection: z.string(),
  quotaYear: z.number(),
  amount: z.string(),
  returnedAmount: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  confirmedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  items: z.array(
    z.object({
      lineNo: z.number(),
      sku: z.string(),
      name: z.string(),
      category: z.string(),
      unitPrice: z.string(),
      quantity: z.number(),
      returnedQuantity: z.number(),
      volumeMl: z.number().nullable(),
      piecesPerUnit: z.number(),
    }),
  ),
});

export const pickupBody = z
  .object({
    point: text.regex(/^[A-Z0-9-]{3,30}$/, 'A pick-up point code, e.g. CNHAK-MEILAN.'),
    codes: z.array(text.trim().min(1).max(40)).min(1).max(MAX_UNITS),
  })
  .strict();

export const pickupOut = z.object({ pickedUp: z.number(), alreadyPickedUp: z.number(), departures: z.number() });

export const departuresBody = z
  .object({
    departures: z
      .array(
        z
          .object({
            idType: z.enum(ID_TYPES),
            idNumber: text.trim().toUpperCase().min(5).max(32),
            mode: z.enum(DEPARTURE_MODES),
            number: departure.shape.number,
            date: isoDate,
            departedAt: isoDateTime,
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict();

export const departuresOut = z.object({
  recorded: z.number(),
  alreadyRecorded: z.number(),
  unknownTravellers: z.number(),
});

export const codeParams = z.object({ code: text.max(60) });

export const codePublicOut = z.object({
  code: z.string(),
  valid: z.boolean().describe('a Tidegate code that was issued for a sale'),
  reason: z.enum(['format', 'checkCharacter', 'notIssued']).optional(),
  status: z.enum(['SOLD', 'RETURNED']).optional(),
  soldOn: z.string().optional(),
  shop: z.string().optional(),
  category: z.string().optional(),
});

export const codeOfficerOut = codePublicOut.extend({
  reservationId: z.string(),
  soldAt: z.string(),
  collection: z.string(),
  buyer: z.object({
    buyerId: z.string(),
    idType: z.string(),
    idNumber: z.string(),
    name: z.string(),
    masked: z.boolean(),
  }),
  trip: z.object({ mode: z.string(), number: z.string(), date: z.string(), destination: z.string() }),
  pickedUpAt: z.string().nullable(),
  pickupPoint: z.string().nullable(),
  returnedAt: z.string().nullable(),
  findings: z.array(z.object({ factId: z.string(), occurredOn: z.string(), detail: z.unknown() })),
});

export const findingBody = z
  .object({
    requestId: z.uuid().optional(),
    foundOn: isoDate,
    channel: z
      .enum(['ONLINE', 'SHOP', 'MARKET', 'OTHER'])
      .describe('where it was offered: an online listing, a shop, a market stall'),
    place: text.trim().min(1).max(200).describe('the listing address, shop or market'),
    note: text.trim().max(1000).optional(),
  })
  .strict();

export const factOut = z.object({
  factId: z.string(),
  buyerId: z.string(),
  kind: z.string(),
  occurredOn: z.string(),
  reservationId: z.string().nullable(),
  code: z.string().nullable(),
  shop: z.string().nullable(),
  detail: z.unknown(),
  source: z.string(),
  auditSeq: z.number(),
  createdAt: z.string(),
});

export const liftBody = z.object({ reason: text.trim().min(5).max(1000) }).strict();

export const banOut = z.object({
  banId: z.string(),
  buyerId: z.string(),
  reason: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
});

export const buyerLookupBody = z
  .object({ idType: z.enum(ID_TYPES), idNumber: text.trim().toUpperCase().min(5).max(32) })
  .strict();

export const buyerOut = z.object({
  buyerId: z.string(),
  idType: z.string(),
  idNumber: z.string(),
  name: z.string(),
  masked: z.boolean(),
  birthDate: z.string(),
  islandResident: z.boolean(),
  quotas: z.array(quotaOut),
  bans: z.array(banOut),
  facts: z.array(factOut),
  recentSales: z.array(
    z.object({
      reservationId: z.string(),
      shop: z.string(),
      status: z.string(),
      amount: z.string(),
      collection: z.string(),
      createdAt: z.string(),
    }),
  ),
});

export const violationCheckBody = z.object({ date: isoDate.optional() }).strict();
export const violationCheckOut = z.object({
  date: z.string(),
  sales: z.number(),
  buyers: z.number(),
  bans: z.number(),
});

export const shopOut = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  city: z.string(),
  operator: z.string(),
  active: z.boolean(),
});
