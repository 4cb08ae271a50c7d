/**
 * The audit subjects (and so the audit partitions) the gate appends under. Exported so that a
 * command spanning modules (an exit declaration issuing a release order, or opening an inspection
 * task) can lock every partition it will touch up front, in order (`lockAuditPartitions`).
 */
export const releaseOrderAuditKey = (releaseOrderId: string): string => `gate-release-order:${releaseOrderId}`;
export const inspectionTaskAuditKey = (taskId: string): string => `inspection-task:${taskId}`;
