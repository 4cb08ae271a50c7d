/**
 * The declarations module's public service (二线出岛申报, 分批出岛、集中申报, 税单). Other modules
 * and the routes call only what this file exports; one use case per file under service/.
 */
export { retireVersion } from './service/submit.ts';
export { submitExit } from './service/exitWorkflow.ts';
export { cancelDeclaration, decideHeld } from './service/lifecycle.ts';
export {
  fileCentralized,
  checkCentralizedDeadlines,
  liftSuspension,
  facilityOf,
  monthOf,
} from './service/centralized.ts';
export { listTaxBills, getTaxBill, taxBillsCsv } from './service/bills.ts';
export { listDeclarations, getDeclaration } from './service/read.ts';
export { releaseAfterSettlement } from './service/settlement.ts';
export { handleEvent, subscribeDeclarations } from './service/events.ts';
export { billTransfer, subscribeTransferBills } from './service/transferBills.ts';
export type { DeclarationView } from './service/store.ts';

/**
 * Tables read by the command centre's rollups and drill-downs: its SQL names them
 * from these objects, never as text. Read-only there; only this module writes them.
 */
export { declarations, declarationTransitions, taxBills } from './schema.ts';
