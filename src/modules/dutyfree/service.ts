/**
 * The duty-free module's public service (离岛免税): the only file other modules import. Tables,
 * invariants, events and routes are described in README.md beside it.
 */
export { reserve, firstAnswer, type ReserveAnswer } from './service/reserve.ts';
export { confirm, cancel, type SettleAnswer, type LineCodes } from './service/settle.ts';
export { expireOverdue, sweepExpired, EXPIRY_BATCH } from './service/expire.ts';
export { returnUnits, type ReturnAnswer } from './service/returns.ts';
export { quotaOf, type QuotaAnswer } from './service/quota.ts';
export { recordDepartures, recordPickup, PICKUP_POINTS, type CarrierDeparture } from './service/departures.ts';
export { lookupCode, recordFinding, type FactView, type FindingInput } from './service/codes.ts';
export { checkMissedDepartures, liftBan, ban } from './service/violations.ts';
export { getReservation, buyerDossier, listShops } from './service/read.ts';
export { personHash, linkHash, buyerAuditKey, AGGREGATE as DUTYFREE_AGGREGATE } from './service/store.ts';
/**
 * Tables read by the command centre's duty-free panel: its SQL names them from these objects, never
 * as text. Read-only there; only this module writes them.
 */
export { dutyfreeShops } from './schema.ts';
export { dutyfreeYellowList } from './rings/schema.ts';
