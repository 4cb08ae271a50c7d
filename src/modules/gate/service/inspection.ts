/**
 * Inspection tasks (查验): opened by risk selection, by a gate DIVERT or by an officer, with the
 * reasons; an inspector assigns, starts, records the outcome (MATCH, DISCREPANCY with corrected
 * values, SEIZURE), attaches evidence (stored with its SHA-256), says whether the trader attended
 * (无陪同查验 is allowed), then releases or keeps the goods. While a task is open, or closed with
 * the goods kept, it holds the document's release orders at the gate.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import { together, type Executor, type Tx } from '../../../platform/db/client.ts';
import { anyOf, tableRows } from '../../../platform/db/rows.ts';
import { appendAudit, appendAuditMany, type AuditInput } from '../../../platform/audit/service.ts';
import { inspectionTaskAuditKey } from './auditKeys.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { findUserById } from '../../../platform/auth/service.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { uuidv7, UUID_PATTERN } from '../../../kernel/ids.ts';
import { Problem, problems, type FieldError } from '../../../kernel/problem.ts';
import { validateSecondLinePortCode } from '../../../kernel/ports.ts';
import { validateCountryCode } from '../../../kernel/country.ts';
import { validateHsCode } from '../../../kernel/hsCode.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { recordOutcome } from '../../risk/service.ts';
import { findEnterprisesByIds } from '../../subjects/service.ts';
import { gateReleaseOrders, inspectionEvidence, inspectionTasks } from '../schema.ts';
import { holdOrders, refreshHolds } from './orders.ts';
import { GATE_EVENTS, type Correction } from '../events.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';

export const TASK_SOURCES = ['RISK_SELECTION', 'GATE_DIVERT', 'OFFICER'] as const;
/** What an inspection task can be about: a declaration of one of these kinds, or a diverted gate event. */
export const INSPECTED_DOCUMENT_TYPES = [
  'SECOND_LINE_EXIT',
  'BATCH_EXIT',
  'CENTRALIZED_DECLARATION',
  'FIRST_LINE_IMPORT',
  'FIRST_LINE_EXPORT',
  'ISLAND_TRANSFER',
  'PROCESSING_REPORT',
  'GATE_EVENT',
] as const;
export const OUTCOMES = ['MATCH', 'DISCREPANCY', 'SEIZURE'] as const;
export const DISPOSITIONS = ['RELEASE', 'KEEP'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];
export type InspectionOutcome = (typeof OUTCOMES)[number];

export type { Correction };

export interface InspectionTask {
  id: string;
  source: TaskSource;
  documentType: string;
  documentId: string;
  releaseOrderId: string | null;
  portCode: string;
  reasons: { code: string; detail: string }[];
  status: 'OPEN' | 'ASSIGNED' | 'IN_PROGRESS' | 'COMPLETED';
  assignee: string | null;
  outcome: InspectionOutcome | null;
  attended: boolean | null;
  corrections: Correction[] | null;
  disposition: 'RELEASE' | 'KEEP' | null;
  note: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

type TaskRow = typeof inspectionTasks.$inferSelect;
/** Inspection tasks read and written on the gate's hot path (a batch of diverts) without the query builder. */
const taskRows = tableRows(inspectionTasks);

export function taskView(r: TaskRow): InspectionTask {
  return {
    id: r.id,
    source: r.source as TaskSource,
    documentType: r.documentType,
    documentId: r.documentId,
    releaseOrderId: r.releaseOrderId,
    portCode: r.portCode,
    reasons: r.reasons,
    status: r.status as InspectionTask['status'],
    assignee: r.assignee,
    outcome: r.outcome as InspectionOutcome | null,
    attended: r.attended,
    corrections: r.corrections as Correction[] | null,
    disposition: r.disposition as InspectionTask['disposition'],
    note: r.note,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
  };
}

export interface OpenTaskInput {
  taskId?: string;
  source: TaskSource;
  documentType: string;
  documentId: string;
  releaseOrderId?: string | null;
  portCode: string;
  reasons: { code: string; detail: string }[];
  actor: Actor;
}

/** Contract: opens an inspection task (idempotent by taskId); the document's release orders are held from now on. */
export async function openInspectionTask(tx: Tx, ctx: AppContext, input: OpenTaskInput): Promise<{ taskId: string }> {
  return openInspectionTaskTx(tx, ctx, input);
}

export async function openInspectionTaskTx(
  tx: Executor,
  ctx: AppContext,
  input: OpenTaskInput & { reuseOpen?: boolean },
): Promise<{ taskId: string }> {
  const p = await prepareInspectionTasks(tx, ctx, [input]);
  await appendAuditMany(tx, p.audit, () => p.write());
  return p.tasks[0]!;
}

function openTaskErrors(input: OpenTaskInput): FieldError[] {
  const errors: FieldError[] = [];
  if (input.taskId !== undefined && !UUID_PATTERN.test(input.taskId))
    errors.push({ path: 'taskId', rule: 'inspection.id', message: 'taskId must be a UUID' });
  if (!TASK_SOURCES.includes(input.source))
    errors.push({
      path: 'source',
      rule: 'inspection.source',
      message: `source must be one of ${TASK_SOURCES.join(', ')}`,
    });
  if (!(INSPECTED_DOCUMENT_TYPES as readonly string[]).includes(input.documentType))
    errors.push({
      path: 'documentType',
      rule: 'inspection.documentType',
      message: `documentType must be one of ${INSPECTED_DOCUMENT_TYPES.join(', ')}`,
    });
  if (!input.documentId)
    errors.push({ path: 'documentId', rule: 'inspection.document', message: 'documentId is required' });
  const port = validateSecondLinePortCode(input.portCode);
  if (port) errors.push({ path: 'portCode', rule: port.rule, message: port.message });
  if (!Array.isArray(input.reasons) || input.reasons.length === 0)
    errors.push({
      path: 'reasons',
      rule: 'inspection.reasonsRequired',
      message: 'an inspection task carries at least one reason',
    });
  (input.reasons ?? []).forEach((r, i) => {
    if (!r?.code)
      errors.push({ path: `reasons[${i}].code`, rule: 'inspection.reason', message: 'a reason has a code' });
  });
  return errors;
}

/**
 * Opens several tasks (a batch of gate diverts) in a fixed number of statements, in two halves for
 * a caller that appends its own audit entries in the same statement: one read for the ids already
 * used and the documents' open tasks (`reuseOpen`: a second divert of a truck waiting for inspection
 * joins its open task), then the tasks (reused or new), their audit entries, and the write of the
 * new ones (one insert, one update holding the documents' release orders).
 */
export async function prepareInspectionTasks(
  tx: Executor,
  ctx: AppContext,
  inputs: readonly (OpenTaskInput & { reuseOpen?: boolean })[],
): Promise<PreparedTasks> {
  assertOpenTaskInputs(inputs);
  const ids = inputs.flatMap((i) => (i.taskId ? [i.taskId] : []));
  const reused = inputs.filter((i) => i.reuseOpen);
  const docs = reused.length
    ? { types: reused.map((i) => i.documentType), ids: reused.map((i) => i.documentId) }
    : null;
  const found = ids.length || docs ? await findTasks(tx, ids, docs) : [];
  return planChecked(tx, ctx, inputs, found);
}

export interface PreparedTasks {
  tasks: { taskId: string }[];
  audit: AuditInput[];
  write(): Promise<unknown>;
}

function assertOpenTaskInputs(inputs: readonly OpenTaskInput[]): void {
  for (const input of inputs) {
    const errors = openTaskErrors(input);
    if (errors.length) throw problems.validation(errors);
  }
}

/**
 * The tasks openings may meet: those with the given ids, and the open tasks whose document type is
 * among `documents.types` and whose document id among `documents.ids`: a superset of the
 * documents wanted, as the plan matches type and id together. One statement.
 */
export function findTasks(
  tx: Executor,
  ids: readonly string[],
  documents: { types: readonly string[]; ids: readonly string[] } | null,
): Promise<TaskRow[]> {
  // An empty list matches nothing, so the statement has one text whatever is asked.
  const types = documents ? [...new Set(documents.types)] : [];
  const docIds = documents ? [...new Set(documents.ids)] : [];
  return taskRows.select(
    tx,
    sql`select ${taskRows.columns} from ${inspectionTasks} where id ${anyOf(ids, 'uuid')}
        or (status <> 'COMPLETED' and document_type ${anyOf(types, 'text')} and document_id ${anyOf(docIds, 'text')})`,
  );
}

/**
 * The openings planned against the tasks found (`findTasks`, which must cover their ids and, for
 * `reuseOpen`, their documents): which are reused, which are new, their audit entries and the write.
 */
export function planInspectionTasks(
  tx: Executor,
  ctx: AppContext,
  inputs: readonly (OpenTaskInput & { reuseOpen?: boolean })[],
  tasksFound: readonly TaskRow[],
): PreparedTasks {
  assertOpenTaskInputs(inputs);
  return planChecked(tx, ctx, inputs, tasksFound);
}

/** `planInspectionTasks` for inputs already checked. */
function planChecked(
  tx: Executor,
  ctx: AppContext,
  inputs: readonly (OpenTaskInput & { reuseOpen?: boolean })[],
  tasksFound: readonly TaskRow[],
): PreparedTasks {
  if (!inputs.length) return { tasks: [], audit: [], write: () => Promise.resolve() };
  const found = [...tasksFound];
  const now = ctx.clock.now();
  const reasonsOf = (input: OpenTaskInput) => input.reasons.map((r) => ({ code: r.code, detail: r.detail ?? '' }));
  const hashOf = (input: OpenTaskInput) =>
    sha256Hex(
      canonicalJson({
        source: input.source,
        documentType: input.documentType,
        documentId: input.documentId,
        releaseOrderId: input.releaseOrderId ?? null,
        portCode: input.portCode,
        reasons: reasonsOf(input),
      }),
    );
  const out: { taskId: string }[] = [];
  const fresh: TaskRow[] = [];
  for (const input of inputs) {
    const hash = hashOf(input);
    const existing = input.taskId ? found.find((t) => t.id === input.taskId) : undefined;
    if (existing) {
      if (existing.contentHash !== hash)
        throw problems.conflict(`Inspection task ${input.taskId} was opened with other content.`, {
          errors: [{ path: 'taskId', rule: 'inspection.idempotencyConflict', message: 'same id, other content' }],
        });
      out.push({ taskId: existing.id });
      continue;
    }
    const open = input.reuseOpen
      ? found.find(
          (t) => t.status !== 'COMPLETED' && t.documentType === input.documentType && t.documentId === input.documentId,
        )
      : undefined;
    if (open) {
      out.push({ taskId: open.id });
      continue;
    }
    const id = input.taskId ?? uuidv7(now.getTime());
    const row: TaskRow = {
      id,
      source: input.source,
      documentType: input.documentType,
      documentId: input.documentId,
      releaseOrderId: input.releaseOrderId ?? null,
      portCode: input.portCode,
      reasons: reasonsOf(input),
      status: 'OPEN',
      assignee: null,
      outcome: null,
      attended: null,
      corrections: null,
      disposition: null,
      note: null,
      contentHash: hash,
      createdBy: actorLabel(input.actor),
      createdAt: now,
      startedAt: null,
      completedAt: null,
    };
    fresh.push(row);
    // A later divert of the same document in this batch joins this task.
    found.push(row);
    out.push({ taskId: id });
  }
  return {
    tasks: out,
    audit: fresh.map((t) => ({
      actor: t.createdBy,
      action: 'inspection.open',
      subject: inspectionTaskAuditKey(t.id),
      change: {
        id: t.id,
        source: t.source,
        documentType: t.documentType,
        documentId: t.documentId,
        portCode: t.portCode,
        reasons: t.reasons,
      },
      at: now,
    })),
    // A task just opened is open: its documents' open release orders are held from now on.
    write: () =>
      fresh.length ? together([taskRows.insert(tx, fresh), holdOrders(tx, fresh)] as const) : Promise.resolve(),
  };
}

async function lockTask(tx: Executor, id: string): Promise<TaskRow> {
  if (!UUID_PATTERN.test(id)) throw problems.notFound(`Inspection task ${id}`);
  const [row] = await tx.select().from(inspectionTasks).where(eq(inspectionTasks.id, id)).for('update').limit(1);
  if (!row) throw problems.notFound(`Inspection task ${id}`);
  return row;
}

function stateProblem(row: TaskRow, allowed: string[], what: string) {
  if (!allowed.includes(row.status)) {
    return problems.rule(
      'inspection-state',
      'Inspection task state',
      `Task ${row.id} is ${row.status}; ${what} needs ${allowed.join(' or ')}.`,
      [{ path: 'status', rule: 'inspection.state', message: `task is ${row.status}` }],
    );
  }
  return null;
}

/** A user's display name (their real name), else the name they sign in with. */
async function personName(tx: Executor, actor: Actor): Promise<string> {
  const user = actor.kind === 'user' ? await findUserById(tx, actor.id) : null;
  return user?.displayName?.trim() || actor.name;
}

export async function assignTask(
  tx: Tx,
  ctx: AppContext,
  input: { taskId: string; assignee: string; actor: Actor },
): Promise<InspectionTask> {
  if (!input.assignee?.trim()) throw problems.field('assignee', 'inspection.assignee', 'name the inspector');
  // "me" (or no name) is the caller, stored by the name people know them by, not a word the UI sent.
  const assignee = input.assignee === 'me' ? await personName(tx, input.actor) : input.assignee;
  const row = await lockTask(tx, input.taskId);
  const p = stateProblem(row, ['OPEN', 'ASSIGNED'], 'assigning');
  if (p) throw p;
  const now = ctx.clock.now();
  const [u] = await tx
    .update(inspectionTasks)
    .set({ status: 'ASSIGNED', assignee })
    .where(eq(inspectionTasks.id, row.id))
    .returning();
  await appendAudit(tx, {
    actor: actorLabel(input.actor),
    action: 'inspection.assign',
    subject: inspectionTaskAuditKey(row.id),
    change: { assignee },
    at: now,
  });
  return taskView(u!);
}

export async function startTask(
  tx: Tx,
  ctx: AppContext,
  input: { taskId: string; actor: Actor },
): Promise<InspectionTask> {
  const row = await lockTask(tx, input.taskId);
  const p = stateProblem(row, ['OPEN', 'ASSIGNED'], 'starting');
  if (p) throw p;
  const now = ctx.clock.now();
  const [u] = await tx
    .update(inspectionTasks)
    .set({ status: 'IN_PROGRESS', startedAt: now, assignee: row.assignee ?? (await personName(tx, input.actor)) })
    .where(eq(inspectionTasks.id, row.id))
    .returning();
  await appendAudit(tx, {
    actor: actorLabel(input.actor),
    action: 'inspection.start',
    subject: inspectionTaskAuditKey(row.id),
    change: { startedAt: now },
    at: now,
  });
  return taskView(u!);
}

export interface CompleteInput {
  taskId: string;
  outcome: InspectionOutcome;
  attended: boolean;
  corrections?: Correction[];
  disposition: 'RELEASE' | 'KEEP';
  note?: string;
  revenueRecoveredCny?: string;
  actor: Actor;
}

/**
 * Records the outcome. A SEIZURE keeps the goods. Declarations feed risk (`recordOutcome`, when
 * risk assessed the document) and emit InspectionCompleted (declarations re-computes the taxes).
 * The audit entry and the event go in the command's write batch.
 */
export async function completeTask(
  tx: Tx,
  ctx: AppContext,
  input: CompleteInput,
  batch: WriteBatch,
): Promise<InspectionTask> {
  const errors: FieldError[] = [];
  if (!OUTCOMES.includes(input.outcome))
    errors.push({
      path: 'outcome',
      rule: 'inspection.outcome',
      message: `outcome must be one of ${OUTCOMES.join(', ')}`,
    });
  if (!DISPOSITIONS.includes(input.disposition))
    errors.push({ path: 'disposition', rule: 'inspection.disposition', message: 'disposition is RELEASE or KEEP' });
  if (typeof input.attended !== 'boolean')
    errors.push({
      path: 'attended',
      rule: 'inspection.attended',
      message: 'say whether the trader attended (false: 无陪同查验)',
    });
  const corrections = input.corrections ?? [];
  if (input.outcome === 'MATCH' && corrections.length)
    errors.push({
      path: 'corrections',
      rule: 'inspection.correctionsNeedDiscrepancy',
      message: 'a MATCH has no corrected values',
    });
  if (input.outcome === 'DISCREPANCY' && corrections.length === 0)
    errors.push({
      path: 'corrections',
      rule: 'inspection.discrepancyNeedsCorrections',
      message: 'a DISCREPANCY lists the corrected values',
    });
  if (input.outcome === 'SEIZURE' && input.disposition === 'RELEASE')
    errors.push({ path: 'disposition', rule: 'inspection.seizureKeeps', message: 'seized goods are kept' });
  corrections.forEach((c, i) => {
    if (!Number.isInteger(c.lineIndex) || c.lineIndex < 0)
      errors.push({
        path: `corrections[${i}].lineIndex`,
        rule: 'inspection.lineIndex',
        message: 'lineIndex is the declaration line number from 0',
      });
    const hs = c.hsCode === undefined ? null : validateHsCode(c.hsCode, 10);
    if (hs) errors.push({ path: `corrections[${i}].hsCode`, rule: hs.rule, message: hs.message });
    for (const k of ['quantity', 'netWeightKg', 'valueCny'] as const) {
      const v = c[k];
      if (v !== undefined && !/^\d+(\.\d+)?$/.test(v))
        errors.push({
          path: `corrections[${i}].${k}`,
          rule: 'inspection.decimal',
          message: `${k} is a decimal string`,
        });
    }
    const country = c.originCountry === undefined ? null : validateCountryCode(c.originCountry);
    if (country) errors.push({ path: `corrections[${i}].originCountry`, rule: country.rule, message: country.message });
    if (Object.keys(c).length <= 1)
      errors.push({
        path: `corrections[${i}]`,
        rule: 'inspection.correctionEmpty',
        message: 'a correction changes at least one value',
      });
  });
  if (input.revenueRecoveredCny !== undefined && !/^\d+(\.\d{1,2})?$/.test(input.revenueRecoveredCny))
    errors.push({
      path: 'revenueRecoveredCny',
      rule: 'inspection.decimal',
      message: 'a CNY amount with at most 2 decimals',
    });
  if (errors.length) throw problems.validation(errors);
  const row = await lockTask(tx, input.taskId);
  const p = stateProblem(row, ['IN_PROGRESS'], 'recording the outcome');
  if (p) throw p;
  const now = ctx.clock.now();
  const [u] = await tx
    .update(inspectionTasks)
    .set({
      status: 'COMPLETED',
      outcome: input.outcome,
      attended: input.attended,
      corrections: input.outcome === 'MATCH' ? null : corrections,
      disposition: input.disposition,
      note: input.note ?? null,
      completedAt: now,
    })
    .where(eq(inspectionTasks.id, row.id))
    .returning();
  await refreshHolds(tx, row);
  // Risk learns from the outcome when it assessed the document (declarations are assessed at submission).
  let riskRecorded = false;
  if (UUID_PATTERN.test(row.documentId) && row.documentType !== 'GATE_EVENT') {
    try {
      await recordOutcome(
        tx,
        ctx,
        {
          declarationId: row.documentId,
          outcome: input.outcome,
          ...(input.outcome !== 'MATCH' && corrections.length
            ? {
                correctedValues: {
                  lines: corrections.map(({ lineIndex, ...rest }) => ({ index: lineIndex, ...rest })),
                },
              }
            : {}),
          ...(input.revenueRecoveredCny ? { revenueRecovered: input.revenueRecoveredCny } : {}),
        } as Parameters<typeof recordOutcome>[2],
        `inspection:${actorLabel(input.actor)}`,
      );
      riskRecorded = true;
    } catch (err) {
      // Not assessed by risk (e.g. a divert of a document risk never saw): nothing to learn; the lookup wrote nothing.
      if (!(err instanceof Problem && err.status === 404)) throw err;
    }
  }
  const task = taskView(u!);
  const audited = batch.audit({
    actor: actorLabel(input.actor),
    action: 'inspection.complete',
    subject: inspectionTaskAuditKey(row.id),
    change: {
      outcome: input.outcome,
      attended: input.attended,
      corrections: task.corrections,
      disposition: input.disposition,
      riskRecorded,
    },
    at: now,
  });
  batch.event(
    typedEvent(GATE_EVENTS, 'InspectionCompleted', {
      aggregateType: 'gate',
      aggregateId: row.id,
      payload: {
        taskId: row.id,
        documentType: row.documentType,
        documentId: row.documentId,
        releaseOrderId: row.releaseOrderId,
        portCode: row.portCode,
        outcome: input.outcome,
        attended: input.attended,
        disposition: input.disposition,
        corrections: task.corrections ?? [],
        completedAt: now.toISOString(),
      },
      occurredAt: now,
    }),
    audited,
  );
  return task;
}

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

export async function addEvidence(
  tx: Tx,
  ctx: AppContext,
  input: { taskId: string; fileName: string; contentType: string; content: Buffer; actor: Actor },
) {
  if (!input.fileName?.trim() || input.fileName.length > 200)
    throw problems.field('fileName', 'inspection.fileName', 'a file name of 1 to 200 characters');
  if (input.content.length === 0) throw problems.field('content', 'inspection.evidenceEmpty', 'the file is empty');
  if (input.content.length > MAX_EVIDENCE_BYTES)
    throw problems.field('content', 'inspection.evidenceTooLarge', `at most ${MAX_EVIDENCE_BYTES} bytes per file`);
  const row = await lockTask(tx, input.taskId);
  const p = stateProblem(row, ['ASSIGNED', 'IN_PROGRESS'], 'adding evidence');
  if (p) throw p;
  const now = ctx.clock.now();
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const id = uuidv7(now.getTime());
  await tx.insert(inspectionEvidence).values({
    id,
    taskId: row.id,
    fileName: input.fileName,
    contentType: input.contentType || 'application/octet-stream',
    sizeBytes: input.content.length,
    sha256,
    content: input.content,
    uploadedBy: actorLabel(input.actor),
    uploadedAt: now,
  });
  await appendAudit(tx, {
    actor: actorLabel(input.actor),
    action: 'inspection.evidence',
    subject: inspectionTaskAuditKey(row.id),
    change: { evidenceId: id, fileName: input.fileName, sizeBytes: input.content.length, sha256 },
    at: now,
  });
  return {
    id,
    taskId: row.id,
    fileName: input.fileName,
    contentType: input.contentType || 'application/octet-stream',
    sizeBytes: input.content.length,
    sha256,
    uploadedAt: now,
  };
}

export async function listEvidence(ex: Executor, taskId: string) {
  return ex
    .select({
      id: inspectionEvidence.id,
      taskId: inspectionEvidence.taskId,
      fileName: inspectionEvidence.fileName,
      contentType: inspectionEvidence.contentType,
      sizeBytes: inspectionEvidence.sizeBytes,
      sha256: inspectionEvidence.sha256,
      uploadedAt: inspectionEvidence.uploadedAt,
    })
    .from(inspectionEvidence)
    .where(eq(inspectionEvidence.taskId, taskId))
    .orderBy(asc(inspectionEvidence.uploadedAt));
}

/** The stored file, re-hashed on the way out: a file that no longer matches its SHA-256 is refused. */
export async function evidenceFile(ex: Executor, taskId: string, evidenceId: string) {
  if (!UUID_PATTERN.test(evidenceId)) throw problems.notFound(`Evidence ${evidenceId}`);
  const [row] = await ex
    .select()
    .from(inspectionEvidence)
    .where(and(eq(inspectionEvidence.id, evidenceId), eq(inspectionEvidence.taskId, taskId)))
    .limit(1);
  if (!row) throw problems.notFound(`Evidence ${evidenceId}`);
  const content = Buffer.from(row.content);
  if (createHash('sha256').update(content).digest('hex') !== row.sha256)
    throw problems.conflict(`Evidence ${evidenceId} no longer matches its SHA-256.`);
  return { fileName: row.fileName, contentType: row.contentType, sha256: row.sha256, content };
}

export async function getTask(ex: Executor, id: string): Promise<InspectionTask | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const [row] = await ex.select().from(inspectionTasks).where(eq(inspectionTasks.id, id)).limit(1);
  return row ? taskView(row) : null;
}

export async function listTasks(
  ex: Executor,
  q: { status?: string[]; portCode?: string; limit: number },
): Promise<InspectionTask[]> {
  const where = [];
  if (q.status?.length) where.push(inArray(inspectionTasks.status, q.status));
  if (q.portCode) where.push(eq(inspectionTasks.portCode, q.portCode));
  const rows = await ex
    .select()
    .from(inspectionTasks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(inspectionTasks.createdAt))
    .limit(q.limit);
  return rows.map(taskView);
}

/** What an inspector looks for at the truck: the release order's plate and seals, and whose goods they are. */
export interface Shipment {
  plate: string | null;
  containers: string[];
  seals: string[];
  enterprise: { uscc: string; name: string } | null;
}

/** Each task with its shipment (two reads for the whole list: the release orders, then their enterprises). */
export async function withShipments<T extends InspectionTask>(ex: Executor, tasks: T[]): Promise<(T & Shipment)[]> {
  const orderIds = [...new Set(tasks.map((t) => t.releaseOrderId).filter((x): x is string => Boolean(x)))];
  const orders = orderIds.length
    ? await ex
        .select({
          id: gateReleaseOrders.id,
          enterpriseId: gateReleaseOrders.enterpriseId,
          plate: gateReleaseOrders.plate,
          containers: gateReleaseOrders.containers,
          seals: gateReleaseOrders.seals,
        })
        .from(gateReleaseOrders)
        .where(sql`${gateReleaseOrders.id} ${anyOf(orderIds, 'uuid')}`)
    : [];
  const byId = new Map(orders.map((o) => [o.id, o]));
  const enterprises = new Map(
    (await findEnterprisesByIds(ex, [...new Set(orders.map((o) => o.enterpriseId))])).map((e) => [e.id, e]),
  );
  return tasks.map((t) => {
    const o = t.releaseOrderId ? byId.get(t.releaseOrderId) : undefined;
    const e = o ? enterprises.get(o.enterpriseId) : undefined;
    return {
      ...t,
      plate: o?.plate ?? null,
      containers: o?.containers ?? [],
      seals: o?.seals ?? [],
      enterprise: e ? { uscc: e.uscc, name: e.name } : null,
    };
  });
}
