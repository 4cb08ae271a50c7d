/**
 * The ledger module's public service (一企一账): the only file other modules import. The contract
 * with declarations and the gate (reserve / post / void, reads, cost basis) is described in
 * README.md beside it.
 */
export type { Regime } from './rules.ts';
export {
  getBook,
  getItem,
  balanceOf,
  costBasisOf,
  costBasisFrom,
  goodsOfLines,
  openBook,
  openBookTx,
  addItems,
  addItemsTx,
  correctItem,
  correctItemTx,
  importItemsCsv,
  listBooks,
  visibleBook,
  listItemsWithBalances,
  listMovements,
  valueAddedOf,
  ITEM_CSV_COLUMNS,
  type NewItem,
  type ItemCorrectionInput,
  type ItemCsvReport,
  type MovementQuery,
} from './service/books.ts';
export {
  reserveGoods,
  postReservation,
  openPostingSession,
  voidReservation,
  getReservation,
  expireReservations,
  expireReservationTx,
  listReservations,
  type GoodsLine,
  type Reservation,
  type ReserveInput,
  type ReserveOptions,
  type PostInput,
  type PostResult,
  type PostingSession,
} from './service/reservations.ts';
export {
  fileDocument,
  fileDocumentTx,
  getDocument,
  decideAdjustment,
  listDocuments,
  pendingAdjustments,
  registerDirectRelease,
  raiseOverdueAlerts,
  listAlerts,
  cataloguePrefixes,
  cataloguePrefixesForItems,
  type DocumentInput,
  type DocumentView,
} from './service/documents.ts';
export { importCatalogue, listCatalogue } from './service/catalogue.ts';
export { loadItems } from './service/core.ts';
export { verifyLedger, type VerifyResult, type Mismatch } from './service/verify.ts';
export { lockBooks, itemView, auditPartition as bookAuditKey } from './service/core.ts';
export { LEDGER_MOVEMENT_PARTITIONS } from './service/archive.ts';
