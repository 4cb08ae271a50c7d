/**
 * The list behind each number of the command centre: the same predicates as its panel
 * (summary.ts), newest first, at most `limit` rows with the total.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, pgArray, type Executor } from '../../../platform/db/client.ts';
import { gateEvents, inspectionTasks } from '../../gate/service.ts';
import {
  declarations as declarationsTable,
  declarationTransitions,
  taxBills as taxBillsTable,
} from '../../declarations/service.ts';
import { riskDecisions, riskOutcomes } from '../../risk/service.ts';
import { enterprises } from '../../subjects/service.ts';
import {
  AGE_BUCKETS,
  CLEARANCE_LOOKBACK_DAYS,
  CREDIT_RATE_DAYS,
  HELD_OVERDUE_HOURS,
  lastDays,
  type Window,
} from '../rules.ts';

export const DRILL_PANELS = [
  'gate',
  'declarations',
  'held',
  'inspections',
  'alerts',
  'taxBills',
  'clearance',
  'credit',
] as const;
export type DrillPanel = (typeof DRILL_PANELS)[number];

export interface DrillQuery {
  panel: DrillPanel;
  port?: string;
  /** gate: PASS or DIVERT. */
  decision?: string;
  /** declarations: a state. */
  state?: string;
  /** gate, alerts: the hour bucket of the window (0–23). */
  hour?: number;
  /** alerts: RED or YELLOW. */
  level?: string;
  /** inspections: an age bucket and / or a status. */
  bucket?: string;
  status?: string;
  /** held: only those held longer than the overdue limit. */
  overdue?: boolean;
  /** credit: a credit class; `selected` only those selected for inspection. */
  creditClass?: string;
  selected?: boolean;
  limit: number;
}

type Row = Record<string, string | number | boolean | null>;
/** How long a hold may last before it is overdue, as an SQL interval (a constant, never input). */
const OVERDUE = sql.raw(`interval '${HELD_OVERDUE_HOURS} hours'`);
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const and = (parts: (SQL | false | undefined)[]) =>
  sql.join(
    parts.filter((p): p is SQL => Boolean(p)),
    sql` and `,
  );

/** `[from, until)` of the window, or of one of its hours. */
function range(w: Window, hour: number | undefined): [Date, Date] {
  if (hour === undefined) return [w.from, w.to];
  const from = new Date(w.from.getTime() + hour * 3_600_000);
  return [from, new Date(from.getTime() + 3_600_000)];
}

async function page(ex: Executor, select: SQL, limit: number): Promise<{ total: number; items: Row[] }> {
  const rows = await queryRows<Row & { total_count: number }>(
    ex,
    sql`select *, count(*) over ()::int as total_count from (${select}) q limit ${limit}`,
  );
  const total = rows.length ? Number(rows[0]!.total_count) : 0;
  return { total, items: rows.map(({ total_count: _, ...r }) => r) };
}

function gate(w: Window, q: DrillQuery): SQL {
  const [from, until] = range(w, q.hour);
  return sql`select event_id as "eventId", occurred_at as "occurredAt", port_code as "portCode",
      lane_code as "laneCode", plate, decision,
      (select string_agg(r->>'code', ',') from jsonb_array_elements(reasons) r) as reasons,
      release_order_id as "releaseOrderId", inspection_task_id as "inspectionTaskId"
    from ${gateEvents} where ${and([
      q.port ? sql`port_code = ${q.port}` : sql`port_code is not null`,
      sql`occurred_at >= ${ts(from)} and occurred_at < ${ts(until)}`,
      q.decision ? sql`decision = ${q.decision}` : undefined,
    ])} order by occurred_at desc`;
}

const declarationColumns = sql`d.id, d.created_at as "createdAt", d.updated_at as "updatedAt", e.name as enterprise,
  e.uscc, d.kind, d.port_code as "portCode", d.state, d.state_reason as "stateReason"`;

function declarations(w: Window, q: DrillQuery): SQL {
  return sql`select ${declarationColumns}
    from ${declarationsTable} d left join ${enterprises} e on e.id = d.enterprise_id
    where ${and([
      sql`d.created_at >= ${ts(w.from)} and d.created_at < ${ts(w.to)}`,
      q.state ? sql`d.state = ${q.state}` : undefined,
      q.port ? sql`d.port_code = ${q.port}` : undefined,
    ])}
    order by d.created_at desc`;
}

function held(w: Window, q: DrillQuery): SQL {
  return sql`select ${declarationColumns}
    from ${declarationsTable} d left join ${enterprises} e on e.id = d.enterprise_id
    where ${and([sql`d.state = 'HELD'`, q.overdue ? sql`d.updated_at < ${ts(w.to)} - ${OVERDUE}` : undefined])}
    order by d.updated_at`;
}

function inspections(w: Window, q: DrillQuery): SQL {
  const b = AGE_BUCKETS.find((x) => x.code === q.bucket);
  const ageFrom = b ? sql`created_at <= ${ts(w.until)} - ${sql.raw(`interval '${b.fromHours} hours'`)}` : undefined;
  const ageTo =
    b && b.toHours !== null
      ? sql`created_at > ${ts(w.until)} - ${sql.raw(`interval '${b.toHours} hours'`)}`
      : undefined;
  return sql`select id, created_at as "createdAt", port_code as "portCode", source, status, assignee,
      document_type as "documentType", document_id as "documentId",
      (select string_agg(r->>'code', ',') from jsonb_array_elements(reasons) r) as reasons
    from ${inspectionTasks} where ${and([
      q.status ? sql`status = ${q.status}` : sql`status = any(${pgArray(['OPEN', 'ASSIGNED', 'IN_PROGRESS'])}::text[])`,
      q.port ? sql`port_code = ${q.port}` : undefined,
      ageFrom,
      ageTo,
    ])} order by created_at`;
}

function alerts(w: Window, q: DrillQuery): SQL {
  const [from, until] = range(w, q.hour);
  return sql`select r.declaration_id as "declarationId", r.created_at as "createdAt", e.name as enterprise, r.uscc,
      r.port as "portCode", r.level, r.score::text as score, r.credit_class as "creditClass", r.selected
    from ${riskDecisions} r left join ${enterprises} e on e.id = r.enterprise_id
    where ${and([
      q.level ? sql`r.level = ${q.level}` : sql`r.level = any(${pgArray(['RED', 'YELLOW'])}::text[])`,
      sql`r.created_at >= ${ts(from)} and r.created_at < ${ts(until)}`,
      q.port ? sql`r.port = ${q.port}` : undefined,
    ])} order by r.created_at desc`;
}

function taxBills(w: Window): SQL {
  return sql`select b.id, b.bill_no as "billNo", b.issued_at as "issuedAt", b.declaration_id as "declarationId",
      e.name as enterprise, b.kind,
      b.duty::text as duty, b.consumption_tax::text as "consumptionTax", b.vat::text as vat, b.total::text as total
    from ${taxBillsTable} b left join ${enterprises} e on e.id = b.enterprise_id
    where b.issued_at >= ${ts(w.from)} and b.issued_at < ${ts(w.to)} order by b.issued_at desc`;
}

function clearance(w: Window, q: DrillQuery): SQL {
  const lookback = new Date(w.from.getTime() - CLEARANCE_LOOKBACK_DAYS * 86_400_000);
  return sql`select * from (
      select d.id, d.port_code as "portCode", e.name as enterprise, d.created_at as "submittedAt",
        (select min(t.at) from ${declarationTransitions} t
          where t.declaration_id = d.id and t.to_state = 'RELEASED') as "releasedAt",
        (select min(t.at) from ${declarationTransitions} t
          where t.declaration_id = d.id and t.to_state = 'EXITED') as "exitedAt"
      from ${declarationsTable} d left join ${enterprises} e on e.id = d.enterprise_id
      where ${and([
        sql`d.state = 'EXITED' and d.kind = any(${pgArray(['SECOND_LINE_EXIT', 'BATCH_EXIT'])}::text[])`,
        sql`d.created_at >= ${ts(lookback)} and d.updated_at >= ${ts(w.from)}`,
        q.port ? sql`d.port_code = ${q.port}` : undefined,
      ])}) x
    where "exitedAt" >= ${ts(w.from)} and "exitedAt" < ${ts(w.to)} order by "exitedAt" desc`;
}

function credit(w: Window, q: DrillQuery): SQL {
  const days = lastDays(w.until, CREDIT_RATE_DAYS);
  return sql`select r.declaration_id as "declarationId", r.created_at as "createdAt", e.name as enterprise, r.uscc,
      r.port as "portCode", r.level, r.credit_class as "creditClass", r.selected, o.outcome
    from ${riskDecisions} r left join ${enterprises} e on e.id = r.enterprise_id
      left join ${riskOutcomes} o on o.enterprise_id = r.enterprise_id and o.declaration_id = r.declaration_id
    where ${and([
      sql`r.business_date >= ${days[0]}::date and r.business_date <= ${days.at(-1)}::date`,
      q.creditClass ? sql`r.credit_class = ${q.creditClass}` : undefined,
      q.selected ? sql`r.selected` : undefined,
    ])} order by r.created_at desc`;
}

const QUERIES: Record<DrillPanel, (w: Window, q: DrillQuery) => SQL> = {
  gate,
  declarations,
  held,
  inspections,
  alerts,
  taxBills,
  clearance,
  credit,
};

/** Timestamps as ISO strings, whichever driver read them. */
const TIME_COLUMNS = new Set([
  'occurredAt',
  'createdAt',
  'updatedAt',
  'issuedAt',
  'submittedAt',
  'releasedAt',
  'exitedAt',
]);

export async function drill(
  ex: Executor,
  w: Window,
  q: DrillQuery,
): Promise<{ panel: DrillPanel; total: number; items: Row[] }> {
  const { total, items } = await page(ex, QUERIES[q.panel](w, q), q.limit);
  for (const r of items) for (const k of Object.keys(r)) if (TIME_COLUMNS.has(k)) r[k] = iso(r[k]);
  return { panel: q.panel, total, items };
}
