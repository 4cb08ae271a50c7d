import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Second-line gates (二线卡口) and inspection (查验). Lanes are reference data seeded by migration;
 * release orders (放行指令) are what may leave; gate events keep the decision they got, so the same
 * event id always gets the same answer.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Customs channels (通道) of the 10 second-line ports. */
export const gateLanes = pgTable('gate_lanes', {
  code: text('code').primaryKey(),
  portCode: text('port_code').notNull(),
  laneNo: integer('lane_no').notNull(),
  kind: text('kind').notNull(),
  nameZh: text('name_zh').notNull(),
});

/** Every change to a release order (issue, pass, cancel, hold) takes the next number: the gate cache syncs by it. */
export const gateOrderVersionSeq = pgSequence('gate_order_version_seq');

export const gateReleaseOrders = pgTable(
  'gate_release_orders',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    documentType: text('document_type').notNull(),
    documentId: text('document_id').notNull(),
    portCode: text('port_code').notNull(),
    plate: text('plate').notNull(),
    containers: jsonb('containers').$type<string[]>().notNull(),
    seals: jsonb('seals').$type<string[]>().notNull(),
    expectedGrossWeightKg: numeric('expected_gross_weight_kg').notNull(),
    /** Optional per-container split: lets part of an order leave (the goods of the containers on the truck). */
    containerGoods: jsonb('container_goods').$type<
      | {
          container: string;
          grossWeightKg: string;
          goods: { reservationId: string; itemId: string; quantity: string }[];
        }[]
      | null
    >(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }).notNull(),
    reservationIds: jsonb('reservation_ids').$type<string[]>().notNull(),
    status: text('status').notNull(),
    passedContainers: jsonb('passed_containers').$type<string[]>().notNull().default([]),
    held: boolean('held').notNull().default(false),
    contentHash: text('content_hash').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
  },
  (t) => [
    index('gate_orders_plate_idx').on(t.portCode, t.plate),
    index('gate_orders_document_idx').on(t.documentType, t.documentId),
    index('gate_orders_version_idx').on(t.version),
    check('gate_orders_status_ck', sql`${t.status} in ('OPEN', 'PASSED', 'CANCELLED')`),
    check('gate_orders_window_ck', sql`${t.validTo} > ${t.validFrom}`),
    check('gate_orders_weight_ck', sql`${t.expectedGrossWeightKg} > 0`),
  ],
);

/**
 * Decided gate events, partitioned by month of `decided_at` (migration 0050; platform/partitions):
 * server time, so no row ever arrives in a month already archived. The key includes it; that an event id is decided
 * once is held by gate_event_ids, which a trigger fills on every insert.
 */
export const gateEvents = pgTable(
  'gate_events',
  {
    eventId: text('event_id').notNull(),
    deviceId: text('device_id').notNull(),
    portCode: text('port_code').notNull(),
    laneCode: text('lane_code').notNull(),
    direction: text('direction').notNull(),
    plate: text('plate').notNull(),
    containers: jsonb('containers').$type<string[]>().notNull(),
    weightKg: numeric('weight_kg').notNull(),
    sealState: text('seal_state').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    requestHash: text('request_hash').notNull(),
    decision: text('decision').notNull(),
    reasons: jsonb('reasons').notNull(),
    releaseOrderId: uuid('release_order_id'),
    postings: jsonb('postings').notNull().default([]),
    inspectionTaskId: uuid('inspection_task_id'),
    /** LIVE: decided here; REPLAY: decided at the gate while the link was down, replayed later. */
    source: text('source').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.decidedAt] }),
    index('gate_events_port_time_idx').on(t.portCode, t.occurredAt),
    check('gate_events_decision_ck', sql`${t.decision} in ('PASS', 'DIVERT')`),
  ],
);

/**
 * Every event id ever decided, with the time it was decided: the global uniqueness gate_events cannot hold once
 * partitioned. Filled by the trigger gate_events_id_once; kept when a month of events is archived, so an archived
 * event id is still refused as a duplicate (and the same rows may come back from their archive).
 */
export const gateEventIds = pgTable('gate_event_ids', {
  eventId: text('event_id').primaryKey(),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
});

/** A gate device's public key (Ed25519) for its signed local decision log, and how far its log was replayed. */
export const gateDeviceKeys = pgTable('gate_device_keys', {
  deviceId: text('device_id').primaryKey(),
  publicKeyPem: text('public_key_pem').notNull(),
  replayedSeq: integer('replayed_seq').notNull().default(0),
  replayedHash: text('replayed_hash').notNull(),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
  /** The first log entry the current key signs; entries before it were signed with the previous key. */
  keyFromSeq: integer('key_from_seq').notNull().default(1),
  /** The key before the last rotation: it still verifies the entries before `keyFromSeq` until they are replayed. */
  previousPublicKeyPem: text('previous_public_key_pem'),
});

/**
 * Officer queue: what a replayed offline decision could not do (reservation voided meanwhile, order cancelled,
 * over-posting).
 */
export const gateReplayConflicts = pgTable(
  'gate_replay_conflicts',
  {
    id: uuid('id').primaryKey(),
    deviceId: text('device_id').notNull(),
    eventId: text('event_id').notNull(),
    logSeq: integer('log_seq').notNull(),
    kind: text('kind').notNull(),
    detail: text('detail').notNull(),
    releaseOrderId: uuid('release_order_id'),
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolution: text('resolution'),
  },
  (t) => [index('gate_conflicts_status_idx').on(t.status)],
);

export const inspectionTasks = pgTable(
  'inspection_tasks',
  {
    id: uuid('id').primaryKey(),
    source: text('source').notNull(),
    documentType: text('document_type').notNull(),
    documentId: text('document_id').notNull(),
    releaseOrderId: uuid('release_order_id'),
    portCode: text('port_code').notNull(),
    reasons: jsonb('reasons').$type<{ code: string; detail: string }[]>().notNull(),
    status: text('status').notNull(),
    assignee: text('assignee'),
    outcome: text('outcome'),
    attended: boolean('attended'),
    corrections: jsonb('corrections'),
    disposition: text('disposition'),
    note: text('note'),
    contentHash: text('content_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('inspection_tasks_document_idx').on(t.documentType, t.documentId),
    index('inspection_tasks_status_idx').on(t.status, t.portCode),
    check('inspection_tasks_status_ck', sql`${t.status} in ('OPEN', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED')`),
    check('inspection_tasks_source_ck', sql`${t.source} in ('RISK_SELECTION', 'GATE_DIVERT', 'OFFICER')`),
  ],
);

/** Evidence files live in the database (bytea) beside their SHA-256, so a backup holds both. */
export const inspectionEvidence = pgTable(
  'inspection_evidence',
  {
    id: uuid('id').primaryKey(),
    taskId: uuid('task_id').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('inspection_evidence_task_idx').on(t.taskId)],
);
