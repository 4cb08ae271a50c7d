/**
 * The command centre's panels, read from the rollups its outbox consumers keep (rollups.ts): a few
 * hundred rows per panel however much traffic there was. Two panels read current work by index
 * instead: the open inspection tasks (the queues and the backlog's ages, measured to now) and the
 * yellow list's queue; the credit panel reads the risk engine's own daily rollup.
 */
import { sql } from 'drizzle-orm';
import { queryRows, pgArray, type Executor } from '../../../platform/db/client.ts';
import { inspectionTasks } from '../../gate/service.ts';
import { riskDailyTotals } from '../../risk/service.ts';
import { dutyfreeShops, dutyfreeYellowList } from '../../dutyfree/service.ts';
import {
  commandAlertHourly,
  commandClearanceBuckets,
  commandDeclarationHourly,
  commandDutyfreeDaily,
  commandGateHourly,
  commandHeld,
  commandTaxHourly,
} from '../schema.ts';
import { SECOND_LINE_PORTS } from '../../../kernel/ports.ts';
import {
  AGE_BUCKETS,
  bucketPercentile,
  CREDIT_RATE_DAYS,
  HELD_OVERDUE_HOURS,
  TREND_DAYS,
  hourBuckets,
  lastDays,
  portsForMap,
  shanghaiDayStart,
  type Window,
} from '../rules.ts';

const OPEN_TASKS = pgArray(['OPEN', 'ASSIGNED', 'IN_PROGRESS']);
const STATES = ['SUBMITTED', 'ACCEPTED', 'HELD', 'REJECTED', 'RELEASED', 'EXITED', 'CANCELLED', 'AMENDED'] as const;
/** How long a hold may last before it is overdue, as an SQL interval (a constant, never input). */
const OVERDUE = sql.raw(`interval '${HELD_OVERDUE_HOURS} hours'`);
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const n = (v: unknown) => Number(v ?? 0);

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

/** Trucks per port and hour: the gate rollup's rows of the window (at most 10 ports × 24 hours). */
async function gatePanel(ex: Executor, w: Window) {
  const rows = await queryRows<{ port: string; hour: number; passed: number; diverted: number }>(
    ex,
    sql`
    select port_code as port, ${hourOf('hour', w.from)} as hour, passed, diverted
    from ${commandGateHourly} where hour >= ${ts(w.from)} and hour < ${ts(w.to)}`,
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
    from ${inspectionTasks} where status = any(${OPEN_TASKS}::text[])
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

/** Declarations created in the window by their state now, and the holds (rollups of the declarations' events). */
async function declarationsPanel(ex: Executor, w: Window) {
  const [byState, [held]] = await Promise.all([
    queryRows<{ state: string; n: number }>(
      ex,
      sql`
      select state, sum(n)::int as n from ${commandDeclarationHourly}
      where hour >= ${ts(w.from)} and hour < ${ts(w.to)} group by 1`,
    ),
    queryRows<{ held: number; overdue: number }>(
      ex,
      sql`
      select count(*)::int as held, count(*) filter (where since < ${ts(w.to)} - ${OVERDUE})::int as overdue
      from ${commandHeld}`,
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
    select ${hourOf('hour', w.from)} as hour, level, n from ${commandAlertHourly}
    where hour >= ${ts(w.from)} and hour < ${ts(w.to)}`,
  );
  const hours = hourBuckets(w).map((h) => ({ hour: h.hour, label: h.label, red: 0, yellow: 0 }));
  for (const r of rows) {
    const h = hours[n(r.hour)];
    if (h && r.level === 'RED') h.red += n(r.n);
    else if (h && r.level === 'YELLOW') h.yellow += n(r.n);
  }
  return { hours, red: hours.reduce((s, h) => s + h.red, 0), yellow: hours.reduce((s, h) => s + h.yellow, 0) };
}

/** Sums stay numeric in SQL and travel as decimal strings. */
async function taxPanel(ex: Executor, w: Window) {
  const [r] = await queryRows<Record<string, string | number>>(
    ex,
    sql`
    select coalesce(sum(bills), 0)::int as bills, coalesce(sum(supplementary), 0)::int as supplementary,
      coalesce(sum(duty), 0)::numeric(18, 2)::text as duty,
      coalesce(sum(consumption_tax), 0)::numeric(18, 2)::text as consumption_tax,
      coalesce(sum(vat), 0)::numeric(18, 2)::text as vat, coalesce(sum(total), 0)::numeric(18, 2)::text as total
    from ${commandTaxHourly} where hour >= ${ts(w.from)} and hour < ${ts(w.to)}`,
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

type Counts = Map<number, number>;
const addCount = (m: Map<string, Counts>, key: string, bucket: number, count: number) => {
  const c = m.get(key) ?? new Map<number, number>();
  c.set(bucket, (c.get(bucket) ?? 0) + count);
  m.set(key, c);
};
const total = (c: Counts | undefined) => [...(c?.values() ?? [])].reduce((s, x) => s + x, 0);
const pct = (c: Counts | undefined, p: number) => {
  const v = c ? bucketPercentile(c, p) : null;
  return v === null ? null : Math.round(v);
};

/**
 * Submission → release → exit of the declarations whose truck left, from the clearance buckets
 * (rollups.ts): p50 / p90 per port over the window, and per Shanghai day for the trend.
 */
async function clearancePanel(ex: Executor, w: Window) {
  const trendFrom = new Date(
    Math.min(w.from.getTime(), shanghaiDayStart(w.until).getTime() - (TREND_DAYS - 1) * 86_400_000),
  );
  const rows = await queryRows<{ port: string; day: string; inw: boolean; measure: string; bucket: number; n: number }>(
    ex,
    sql`
    select port_code as port, to_char(hour at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day,
      hour >= ${ts(w.from)} as inw, measure, bucket, sum(n)::int as n
    from ${commandClearanceBuckets} where hour >= ${ts(trendFrom)} and hour < ${ts(w.to)} group by 1, 2, 3, 4, 5`,
  );
  const window = new Map<string, Counts>();
  const days = new Map<string, Counts>();
  for (const r of rows) {
    const b = n(r.bucket);
    const count = n(r.n);
    if (r.inw) {
      addCount(window, `${r.port}|${r.measure}`, b, count);
      addCount(window, `*|${r.measure}`, b, count);
    }
    if (r.measure === 'EXIT') addCount(days, r.day, b, count);
  }
  const figures = (port: string) => {
    const release = window.get(`${port}|RELEASE`);
    const exit = window.get(`${port}|EXIT`);
    return {
      n: total(exit),
      releaseP50: pct(release, 0.5),
      releaseP90: pct(release, 0.9),
      exitP50: pct(exit, 0.5),
      exitP90: pct(exit, 0.9),
    };
  };
  return {
    ports: SECOND_LINE_PORTS.map((p) => ({ code: p.code, ...figures(p.code) })),
    overall: figures('*'),
    trend: lastDays(w.until, TREND_DAYS).map((day) => {
      const c = days.get(day);
      return { day, n: total(c), exitP50: pct(c, 0.5), exitP90: pct(c, 0.9) };
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
    from ${riskDailyTotals} where day >= ${days[0]}::date and day <= ${days.at(-1)}::date group by 1`,
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

/**
 * Duty-free today (the Shanghai day of `until`): sales and amounts per shop and the categories most
 * sold, from the duty-free rollup; the yellow list's queue (entries open or proposed) by status,
 * counted on its status index (the list changes by detection runs, which publish no event).
 */
async function dutyfreePanel(ex: Executor, w: Window) {
  const day = lastDays(w.until, 1)[0]!;
  const [rows, yellow] = await Promise.all([
    queryRows<Record<string, string>>(
      ex,
      sql`
      select d.shop, d.category, d.sales, d.units, d.amount::numeric(18, 2)::text as amount,
        d.returned::numeric(18, 2)::text as returned, coalesce(s.name_zh, d.shop) as name_zh,
        coalesce(s.name_en, d.shop) as name_en
      from ${commandDutyfreeDaily} d left join ${dutyfreeShops} s on s.code = d.shop where d.day = ${day}::date`,
    ),
    queryRows<{ status: string; n: number }>(
      ex,
      sql`
      select status, count(*)::int as n from ${dutyfreeYellowList}
      where status = any(${pgArray(['OPEN', 'PROPOSED'])}::text[]) group by 1`,
    ),
  ]);
  const shops = rows
    .filter((r) => r.category === '*')
    .map((r) => ({
      shop: r.shop!,
      shopName: { zh: r.name_zh!, en: r.name_en! },
      sales: n(r.sales),
      units: n(r.units),
      amount: r.amount!,
      returned: r.returned!,
    }))
    .sort((a, b) => b.sales - a.sales || a.shop.localeCompare(b.shop));
  const categories = new Map<string, number>();
  for (const r of rows.filter((x) => x.category !== '*'))
    categories.set(r.category!, (categories.get(r.category!) ?? 0) + n(r.sales));
  const open = n(yellow.find((r) => r.status === 'OPEN')?.n);
  const proposed = n(yellow.find((r) => r.status === 'PROPOSED')?.n);
  return {
    day,
    sales: shops.reduce((s, x) => s + x.sales, 0),
    shops,
    categories: [...categories]
      .map(([category, sales]) => ({ category, sales }))
      .sort((a, b) => b.sales - a.sales || a.category.localeCompare(b.category)),
    yellow: { open, proposed, queue: open + proposed },
  };
}

/** Each panel on its own (what `npm run bench -- --only command` times). */
export const PANELS = {
  gate: gatePanel,
  backlog: backlogPanel,
  declarations: declarationsPanel,
  alerts: alertsPanel,
  tax: taxPanel,
  clearance: clearancePanel,
  credit: creditPanel,
  dutyfree: dutyfreePanel,
} as const;

export async function commandSummary(ex: Executor, w: Window) {
  const started = performance.now();
  const [gate, backlog, declarations, alerts, tax, clearance, credit, dutyfree] = await Promise.all([
    gatePanel(ex, w),
    backlogPanel(ex, w),
    declarationsPanel(ex, w),
    alertsPanel(ex, w),
    taxPanel(ex, w),
    clearancePanel(ex, w),
    creditPanel(ex, w),
    dutyfreePanel(ex, w),
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
    dutyfree,
    tookMs: Math.round(performance.now() - started),
  };
}
export type CommandSummary = Awaited<ReturnType<typeof commandSummary>>;
