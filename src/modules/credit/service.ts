/**
 * The credit module's public surface (二线口岸通关信用): other modules, routes, the CLI and the seed
 * call only what is exported here. One use case per file under service/.
 */
export { recordInput, type RecordInputResult } from './service/record-input.ts';
export { withdrawInput, type WithdrawResult } from './service/withdraw-input.ts';
export { importInputs, BULK_LIMIT, type BulkResult, type LineError } from './service/import-batch.ts';
export {
  importCreditFile,
  IMPORT_CHUNK,
  type FileImportOptions,
  type FileImportResult,
  type ImportPhase,
} from './service/import-file.ts';
export { sweep, countDue, type SweepResult } from './service/sweep.ts';
export {
  getCredit,
  getMeasures,
  creditClassOf,
  creditMeasuresOf,
  classHistory,
  changesAfter,
  latestChangeSeq,
  listInputs,
  countsByClass,
  type CreditView,
  type MeasuresView,
  type SubjectRef,
} from './service/read.ts';
export { checkAuditedBatch, type BatchCheck } from './service/trace.ts';
export type { RecordInputRequest, NewCreditInput } from './service/inputs.ts';
export type { Subject } from './service/subjects.ts';

// What a reader may see of a class change, by data class: for the sharing feeds.
export { changesFor } from './classification.ts';
