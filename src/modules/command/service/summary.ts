/**
 * The command centre's panels: one set-based statement per panel (grouped counts and ordered-set
 * percentiles in SQL, never a row per truck brought to Node), each over an indexed range of the
 * window. A read-only view across modules: it reads their tables and writes nothing.
 */
import { sql } from 'drizzle-orm';
import { queryRows, pgArray, type Executor } from '../../../platform/db/client.ts';
import { SECOND_LINE_PORTS } from '../../../kernel/ports.ts';
import {
  AGE_BUCKETS,
  CLEARANCE_LOOKBACK_DAYS,
  CREDIT_RATE_DAYS,
  HELD_OVERDUE_HOURS,
  TREND_DAYS,
  hourBuckets,
  lastDays,
  portsForMap,
  shanghaiDayStart,
  type Window,
} from '../rules.ts';

const PORT_CODES = pgArray(SECOND_LINE_PORTS.map((p) => p.code));
const OPEN_TASKS = pgArray(['OPEN', 'ASSIGNED', 'IN_PROGRESS']);
const STATES = ['SUBMITTED', 'ACCEPTED', 'HELD', 'REJECTED', 'RELEASED', 'EXITED', 'CANCELLED', 'AMENDED'] as const;
/** Kinds that pass a gate (a centralized declaration is taxed, never released). */
const EXIT_KINDS = pgArray(['SECOND_LINE_EXIT', 'BATCH_EXIT']);
/** How long a hold may last before it is overdue, as an SQL interval (a constant, never input). */
const OVERDUE = sql.raw(`interval '${HELD_OVERDUE_HOURS} hours'`);
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const n = (v: unknown) => Number(v ?? 0);
const seconds = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));

/** `floor((at - from) / 1 h)`: the hour bucket of a timestamp column. */
const hourOf = (column: string, from: Date) =>
  sql.raw(`floor(extract(epoch from (${column} - '${from.toISOString()}'::timestamptz)) / 3600)::int`);

/** The SQL CASE that names a task's age bucket at `until` (the buckets of rules.ts). */
function ageCase(until: Date) {
  const arms = AGE_BUCKETS.filter((b) => b.toHours !== null).map(
    (b) => `when created_at > '${until.toISOString()}'::timestamptz - interval '${b.toHours} hours' then '${b.code}'`,
  );
  return sql.raw(`case ${arms.join(' ')} else '${AGE_BUCKETS.at(-1)!.code}' end`);
}

async function gatePanel(ex: Executor, w: Window) {
  const rows = await queryRows<{ port: string; hour: number; passed: number; diverted: number }>(
    ex,
    sql`
    select port_code as port, ${hourOf('occurred_at', w.from)} as hour,
      count(*) filter (where decision = 'PASS')::int as passed,
      count(*) filter (where decision = 'DIVERT')::int as diverted
    from gate_events
    where port_code = any(${PORT_CODES}::text[]) and occurred_at >= ${ts(w.from)} and occurred_at < ${ts(w.to)}
    group by 1, 2`,
  );
  const hours = hourBuckets(w).map((h) => ({ hour: h.hour, label: h.label, passed: 0, diverted: 0 }));
  const perPort = new Map<string, { passed: number; diverted: number }>();
  for (const r of rows) {
    const h = hours[n(r.hour)];
    if (h) {
      h.passed += n(r.passed);
      h.diverted += n(r.diverted);
    }
    const p = perPort.get(r.port) ?? { passed: 0, diverted: 0 };
    p.passed += n(r.passed);
    p.diverted += n(r.diverted);
    perPort.set(r.port, p);
  }
  return { hours, perPort };
}

/** Open inspection tasks by port, status and age: the ports' queues and the backlog panel. */
async function backlogPanel(ex: Executor, w: Window) {
  const rows = await queryRows<{ port: string; status: string; bucket: string; n: number; oldest: string | Date }>(
    ex,
    sql`
    select port_code as port, status, ${ageCase(w.until)} as bucket, count(*)::int as n, min(created_at) as oldest
    from inspection_tasks where status = any(${OPEN_TASKS}::text[])
    group by 1, 2, 3`,
  );
  const byAge = AGE_BUCKETS.map((b) => ({ bucket: b.code, OPEN: 0, ASSIGNED: 0, IN_PROGRESS: 0 }));
  const queues = new Map<string, { open: number; assigned: number; inProgress: number }>();
  let oldest: Date | null = null;
  for (const r of rows) {
    const bucket = byAge.find((b) => b.bucket === r.bucket);
    if (bucket) bucket[r.status as 'OPEN'] += n(r.n);
    const q = queues.get(r.port) ?? { open: 0, assigned: 0, inProgress: 0 };
    if (r.status === 'OPEN') q.open += n(r.n);
    else if (r.status === 'ASSIGNED') q.assigned += n(r.n);
    else q.inProgress += n(r.n);
    queues.set(r.port, q);
    const at = new Date(r.oldest);
    if (!oldest || at < oldest) oldest = at;
  }
  const total = byAge.reduce((s, b) => s + b.OPEN + b.ASSIGNED + b.IN_PROGRESS, 0);
  return {
    total,
    oldestAt: oldest?.toISOString() ?? null,
    byAge: byAge.map((b) => ({ bucket: b.bucket, open: b.OPEN, assigned: b.ASSIGNED, inProgress: b.IN_PROGRESS })),
    queues,
  };
}

async function declarationsPanel(ex: Executor, w: Window) {
  // `state = any(all states)` lets the (state, created_at) index serve the day's range.
  const [byState, [held]] = await Promise.all([
    queryRows<{ state: string; n: number }>(
      ex,
      sql`
      select state, count(*)::int as n from decl_declarations
      where state = any(${pgArray([...STATES])}::text[]) and created_at >= ${ts(w.from)} and created_at < ${ts(w.to)}
      group by 1`,
    ),
    queryRows<{ held: number; overdue: number }>(
      ex,
      sql`
      select count(*)::int as held,
        count(*) filter (where updated_at < ${ts(w.to)} - ${OVERDUE})::int as overdue
      from decl_declarations where state = 'HELD'`,
    ),
  ]);
  const counts = STATES.map((state) => ({ state, count: n(byState.find((r) => r.state === state)?.n) }));
  return {
    byState: counts,
    total: counts.reduce((s, c) => s + c.count, 0),
    heldNow: n(held?.held),
    heldOverdue: n(held?.overdue),
    overdueHours: HELD_OVERDUE_HOURS,
  };
}

async function alertsPanel(ex: Executor, w: Window) {
  const rows = await queryRows<{ hour: number; level: string; n: number }>(
    ex,
    sql`
    select ${hourOf('created_at', w.from)} as hour, level, count(*)::int as n from risk_decisions
    where level = any(${pgArray(['RED', 'YELLOW'])}::text[])
      and created_at >= ${ts(w.from)} and created_at < ${ts(w.to)}
    group by 1, 2`,
  );
  const hours = hourBuckets(w).map((h) => ({ hour: h.hour, label: h.label, red: 0, yellow: 0 }));
  for (const r of rows) {
    const h = hours[n(r.hour)];
    if (h && r.level === 'RED') h.red += n(r.n);
    else if (h) h.yellow += n(r.n);
  }
  return { hours, red: hours.reduce((s, h) => s + h.red, 0), yellow: hours.reduce((s, h) => s + h.yellow, 0) };
}

/** Sums stay numeric in SQL and travel as decimal strings. */
async function taxPanel(ex: Executor, w: Window) {
  const [r] = await queryRows<Record<string, string | number>>(
    ex,
    sql`
    select count(*)::int as bills, count(*) filter (where kind = 'SUPPLEMENTARY')::int as supplementary,
      coalesce(sum(duty), 0)::numeric(18, 2)::text as duty,
      coalesce(sum(consumption_tax), 0)::numeric(18, 2)::text as consumption_tax,
      coalesce(sum(vat), 0)::numeric(18, 2)::text as vat, coalesce(sum(total), 0)::numeric(18, 2)::text as total
    from decl_tax_bills where issued_at >= ${ts(w.from)} and issued_at < ${ts(w.to)}`,
  );
  return {
    bills: n(r?.bills),
    supplementary: n(r?.supplementary),
    duty: String(r?.duty ?? '0.00'),
    consumptionTax: String(r?.consumption_tax ?? '0.00'),
    vat: String(r?.vat ?? '0.00'),
    total: String(r?.total ?? '0.00'),
  };
}

/**
 * Submission → release → exit of the declarations whose truck left: p50 / p90 per port over the
 * window, and per Shanghai day for the trend. The (state, created_at) index finds the exited ones
 * submitted within the look-back; their two transitions come by declaration id.
 */
async function clearancePanel(ex: Executor, w: Window) {
  const trendFrom = new Date(
    Math.min(w.from.getTime(), shanghaiDayStart(w.until).getTime() - (TREND_DAYS - 1) * 86_400_000),
  );
  const lookback = new Date(trendFrom.getTime() - CLEARANCE_LOOKBACK_DAYS * 86_400_000);
  const exited = sql`
    with times as (
      select d.port_code, d.created_at as submitted,
        (select min(t.at) from decl_transitions t
          where t.declaration_id = d.id and t.to_state = 'RELEASED') as released,
        (select min(t.at) from decl_transitions t where t.declaration_id = d.id and t.to_state = 'EXITED') as exited
      from decl_declarations d
      where d.state = 'EXITED' and d.kind = any(${EXIT_KINDS}::text[])
        and d.created_at >= ${ts(lookback)} and d.updated_at >= ${ts(trendFrom)})`;
  const pct = (p: number, from: string) =>
    sql.raw(`percentile_cont(${p}) within group (order by extract(epoch from (${from} - submitted)))`);
  const [perPort, perDay] = await Promise.all([
    queryRows<Record<string, unknown>>(
      ex,
      sql`${exited}
      select port_code as port, count(*)::int as n,
        ${pct(0.5, 'released')} as release_p50, ${pct(0.9, 'released')} as release_p90,
        ${pct(0.5, 'exited')} as exit_p50, ${pct(0.9, 'exited')} as exit_p90
      from times where exited >= ${ts(w.from)} and exited < ${ts(w.to)} group by rollup (port_code)`,
    ),
    queryRows<Record<string, unknown>>(
      ex,
      sql`${exited}
      select to_char(exited at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*)::int as n,
        ${pct(0.5, 'exited')} as exit_p50, ${pct(0.9, 'exited')} as exit_p90
      from times where exited < ${ts(w.to)} group by 1`,
    ),
  ]);
  const figures = (r: Record<string, unknown> | undefined) => ({
    n: n(r?.n),
    releaseP50: seconds(r?.release_p50),
    releaseP90: seconds(r?.release_p90),
    exitP50: seconds(r?.exit_p50),
    exitP90: seconds(r?.exit_p90),
  });
  return {
    ports: SECOND_LINE_PORTS.map((p) => ({ code: p.code, ...figures(perPort.find((r) => r.port === p.code)) })),
    overall: figures(perPort.find((r) => r.port === null)),
    trend: lastDays(w.until, TREND_DAYS).map((day) => {
      const r = perDay.find((x) => x.day === day);
      return { day, n: n(r?.n), exitP50: seconds(r?.exit_p50), exitP90: seconds(r?.exit_p90) };
    }),
  };
}

/** Inspection and hit rates by credit class, from the risk engine's daily totals (a rollup). */
async function creditPanel(ex: Executor, w: Window) {
  const days = lastDays(w.until, CREDIT_RATE_DAYS);
  const rows = await queryRows<Record<string, unknown>>(
    ex,
    sql`
    select credit_class, sum(assessed)::int as assessed, sum(selected)::int as selected,
      sum(outcomes)::int as outcomes, sum(hits)::int as hits
    from risk_daily_totals where day >= ${days[0]}::date and day <= ${days.at(-1)}::date group by 1`,
  );
  const classes = ['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS'].map((c) => {
    const r = rows.find((x) => x.credit_class === c);
    return {
      creditClass: c,
      assessed: n(r?.assessed),
      selected: n(r?.selected),
      outcomes: n(r?.outcomes),
      hits: n(r?.hits),
    };
  });
  return { days: CREDIT_RATE_DAYS, fromDay: days[0]!, toDay: days.at(-1)!, classes };
}

export async function commandSummary(ex: Executor, w: Window) {
  const started = performance.now();
  const [gate, backlog, declarations, alerts, tax, clearance, credit] = await Promise.all([
    gatePanel(ex, w),
    backlogPanel(ex, w),
    declarationsPanel(ex, w),
    alertsPanel(ex, w),
    taxPanel(ex, w),
    clearancePanel(ex, w),
    creditPanel(ex, w),
  ]);
  const ports = portsForMap().map((p) => {
    const g = gate.perPort.get(p.code) ?? { passed: 0, diverted: 0 };
    const q = backlog.queues.get(p.code) ?? { open: 0, assigned: 0, inProgress: 0 };
    return {
      ...p,
      passed: g.passed,
      diverted: g.diverted,
      queue: q.open + q.assigned + q.inProgress,
      queueOpen: q.open,
      queueAssigned: q.assigned,
      queueInProgress: q.inProgress,
    };
  });
  return {
    window: { name: w.name, from: w.from.toISOString(), until: w.until.toISOString(), to: w.to.toISOString() },
    ports,
    gateHours: gate.hours,
    declarations,
    inspections: { total: backlog.total, oldestAt: backlog.oldestAt, byAge: backlog.byAge },
    alerts,
    tax,
    clearance,
    credit,
    tookMs: Math.round(performance.now() - started),
  };
}
export type CommandSummary = Awaited<ReturnType<typeof commandSummary>>;
