/**
 * The duty-free module's outbox events (aggregate `dutyfree-buyer`, id = the buyer's id): what
 * other modules may consume, as zod schemas of the payloads. No personal data in clear: a buyer is
 * its id, and where another module must find the person (individual credit), the keyed hash of
 * `<idType>:<idNumber>`, the same hash subjects' individuals are found by.
 */
import { z } from 'zod';

const money = z.string().regex(/^\d+\.\d{2}$/);
const sale = { reservationId: z.string(), buyerId: z.string(), shop: z.string(), quotaYear: z.number(), amount: money };

export const DUTYFREE_EVENTS = {
  DutyFreeReserved: z.object({
    ...sale,
    tripId: z.string(),
    purchaseDate: z.string(),
    collection: z.string(),
    expiresAt: z.string(),
  }),
  DutyFreeConfirmed: z.object({
    ...sale,
    tripId: z.string(),
    purchaseDate: z.string(),
    collection: z.string(),
    units: z.number(),
    categories: z.array(z.string()),
  }),
  DutyFreeCancelled: z.object(sale),
  DutyFreeExpired: z.object({ ...sale, reason: z.string() }),
  DutyFreeReturned: z.object({
    reservationId: z.string(),
    buyerId: z.string(),
    shop: z.string(),
    quotaYear: z.number(),
    codes: z.array(z.string()),
    amountReturned: money,
    amountKept: money,
  }),
  DutyFreeDeparted: z.object({
    buyerId: z.string(),
    mode: z.string(),
    number: z.string(),
    date: z.string(),
    departedAt: z.string(),
    source: z.enum(['CARRIER', 'PICKUP_SCAN']),
  }),
  DutyFreePickedUp: z.object({ buyerId: z.string(), shop: z.string(), point: z.string(), codes: z.array(z.string()) }),
  DutyFreeDepartureMissed: z.object({
    buyerId: z.string(),
    factId: z.string(),
    reservationId: z.string(),
    purchaseDate: z.string(),
    deadline: z.string(),
    collection: z.string(),
    amount: money,
  }),
  DutyFreeBuyerBanned: z.object({
    buyerId: z.string(),
    idType: z.string(),
    idNumberHash: z.string(),
    factId: z.string(),
    banId: z.string(),
    reason: z.enum(['MISSED_DEPARTURE', 'RESALE']),
    validFrom: z.string(),
    validTo: z.string(),
    basis: z.unknown(),
  }),
  DutyFreeBanLifted: z.object({
    buyerId: z.string(),
    factId: z.string(),
    banId: z.string(),
    reason: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    liftReason: z.string(),
  }),
  DutyFreeCodeFoundOnMarket: z.object({
    factId: z.string(),
    buyerId: z.string(),
    kind: z.literal('CODE_FOUND_ON_MARKET'),
    code: z.string(),
    reservationId: z.string(),
    shop: z.string(),
    foundOn: z.string(),
    channel: z.string(),
    place: z.string(),
  }),
  /**
   * A sale the risk engine refused at the till (aggregate `dutyfree-sale`, id = the sale's): the decision's
   * level and rule, the shop, the goods; the buyer only by keyed hash and masked ID and name. A RED one
   * opens a joint-control case (jointcontrol).
   */
  DutyFreeSaleRiskRefused: z.object({
    saleId: z.string(),
    shop: z.string(),
    businessDate: z.string(),
    level: z.string(),
    rule: z.string(),
    amount: money,
    buyer: z.object({
      idType: z.string(),
      idNumberHash: z.string(),
      idNumberMasked: z.string(),
      nameMasked: z.string(),
    }),
    goods: z.array(z.object({ category: z.string(), name: z.string(), quantity: z.string(), unitPrice: z.string() })),
  }),
} as const;

export type DutyfreeEventType = keyof typeof DUTYFREE_EVENTS;
