/**
 * The gate module's public service (二线卡口 and 查验): the only file other modules import. The
 * contract with declarations (release orders, inspection tasks, holds, events) is in README.md.
 */
import type { PartitionedTable } from '../../platform/partitions/service.ts';
import { getTableName } from 'drizzle-orm';
import { gateEvents as gateEventsTable } from './schema.ts';

export {
  issueReleaseOrder,
  cancelReleaseOrdersFor,
  hasOpenInspectionHold,
  getReleaseOrder,
  releaseOrdersFor,
  releaseOrderChanges,
  RELEASE_DOCUMENT_TYPES,
  type IssueReleaseOrderInput,
  type ReleaseOrder,
  type ReleaseDocumentType,
} from './service/orders.ts';
export {
  openInspectionTask,
  assignTask,
  startTask,
  completeTask,
  addEvidence,
  listEvidence,
  evidenceFile,
  getTask,
  listTasks,
  withShipments,
  TASK_SOURCES,
  OUTCOMES,
  DISPOSITIONS,
  MAX_EVIDENCE_BYTES,
  type InspectionTask,
  type OpenTaskInput,
  type CompleteInput,
  type Correction,
} from './service/inspection.ts';
export { recordGateEvent } from './service/batcher.ts';
export {
  getGateEvent,
  gateTolerance,
  assertDeviceScope,
  type GateEventInput,
  type GateAnswer,
} from './service/events.ts';
export {
  registerDeviceKey,
  replayDeviceLog,
  listConflicts,
  resolveConflict,
  type ReplayReport,
} from './service/replay.ts';
export { portView, listLanes } from './service/portView.ts';
export { releaseOrderAuditKey, inspectionTaskAuditKey } from './service/auditKeys.ts';

/**
 * Tables read by the command centre's panels and drill-downs: its SQL names them
 * from these objects, never as text. Read-only there; only this module writes them.
 */
export { gateEvents, inspectionTasks } from './schema.ts';

/**
 * gate_events by month of decided_at (platform/partitions): an archived month keeps its event ids in gate_event_ids,
 * so a device resending one is still refused as a duplicate rather than decided again.
 */
export const GATE_EVENT_PARTITIONS: PartitionedTable = {
  table: getTableName(gateEventsTable),
  column: 'decided_at',
  key: { column: 'event_id', type: 'text' },
};
