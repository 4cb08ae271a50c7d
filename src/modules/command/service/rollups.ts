/**
 * The command centre's rollups (schema.ts), kept by one outbox consumer per event stream: the gate's
 * trucks, the declarations' states, holds and clearance times, the risk engine's alerts, the tax
 * bills, the duty-free sales. Each batch of events is applied in one transaction together with the
 * consumer's processed-event mark (the last event id applied): the dispatcher delivers in id order
 * and at least once, so an event at or below the mark was applied before and is skipped, and a
 * replay never counts twice. What an event does not carry (the gate's time of a truck, the port
 * and submission time of a declaration) is read by key from its owner's table, never by a scan.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { pgArray, queryRows, recordset, type Tx } from '../../../platform/db/client.ts';
import { latestEventId, readEventsBetween, type OutboxEvent } from '../../../platform/outbox/service.ts';
import { readPayload } from '../../../platform/outbox/contract.ts';
import { GATE_EVENTS } from '../../gate/events.ts';
import { DUTYFREE_EVENTS } from '../../dutyfree/events.ts';
import { DECLARATIONS_EVENTS } from '../../declarations/events.ts';
import { RISK_EVENTS } from '../../risk/events.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { outboxEvents } from '../../../platform/outbox/schema.ts';
import { gateEvents } from '../../gate/service.ts';
import { declarations as declarationsTable, declarationTransitions } from '../../declarations/service.ts';
import {
  commandAlertHourly,
  commandClearanceBuckets,
  commandDeclarationHourly,
  commandDutyfreeDaily,
  commandGateHourly,
  commandHeld,
  commandRollupMarks,
  commandTaxHourly,
} from '../schema.ts';
import { CLEARANCE_LOOKBACK_DAYS, clearanceBucket } from '../rules.ts';

type Apply = (tx: Tx, events: readonly OutboxEvent[]) => Promise<void>;

export interface RollupStream {
  /** The consumer's name (its outbox cursor and its processed-event mark). */
  consumer: string;
  eventTypes: readonly string[];
  apply: Apply;
}

const iso = (d: Date) => d.toISOString();
/** The UTC hour (so the Shanghai hour: UTC+8 has no half hours) that holds a moment. */
const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000).toISOString();
const ids = (xs: readonly string[]) => pgArray([...new Set(xs)]);
/** `date_trunc('hour', …)` in UTC whatever the session's time zone. */
const TRUNC = (column: string) => sql.raw(`date_trunc('hour', ${column} at time zone 'UTC') at time zone 'UTC'`);

// ---------------------------------------------------------------------------------------------
// The gate: trucks passed and diverted per port and hour, by the gate's time of the event.

const GATE_PASSED = GATE_EVENTS.ReleaseOrderPassed.pick({ gateEventId: true });
const GATE_DIVERTED = GATE_EVENTS.ReleaseOrderDiverted.pick({ gateEventId: true });

const gate: Apply = async (tx, events) => {
  const gateIds = events.map((e) =>
    e.eventType === 'ReleaseOrderPassed'
      ? readPayload(GATE_PASSED, e.eventType, e).gateEventId
      : readPayload(GATE_DIVERTED, 'ReleaseOrderDiverted', e).gateEventId,
  );
  // A pass and a diversion of the same gate event never both happen; one event is one truck.
  await tx.execute(sql`
    insert into ${commandGateHourly} (port_code, hour, passed, diverted)
    select port_code, ${TRUNC('occurred_at')}, count(*) filter (where decision = 'PASS'),
      count(*) filter (where decision = 'DIVERT')
    from ${gateEvents} where event_id = any(${ids(gateIds)}::text[]) group by 1, 2
    on conflict (hour, port_code) do update set passed = ${commandGateHourly}.passed + excluded.passed,
      diverted = ${commandGateHourly}.diverted + excluded.diverted`);
};

// ---------------------------------------------------------------------------------------------
// Declarations: the count per creation hour and current state, the holds, the clearance times.

const SUBMITTED = DECLARATIONS_EVENTS.DeclarationSubmitted.pick({ declarationId: true });
const STATE_CHANGED = DECLARATIONS_EVENTS.DeclarationStateChanged.pick({
  declarationId: true,
  kind: true,
  from: true,
  to: true,
});
const EXIT_KINDS = new Set(['SECOND_LINE_EXIT', 'BATCH_EXIT']);
const LOOKBACK_MS = CLEARANCE_LOOKBACK_DAYS * 86_400_000;

interface Facts {
  id: string;
  created_at: string | Date;
  port_code: string | null;
  released: string | Date | null;
}

async function declarationFacts(tx: Tx, declarationIds: readonly string[], exited: ReadonlySet<string>) {
  if (declarationIds.length === 0) return new Map<string, Facts>();
  const rows = await queryRows<Facts>(
    tx,
    sql`
    select d.id, d.created_at, d.port_code,
      case when d.id = any(${ids([...exited])}::uuid[]) then
        (select min(t.at) from ${declarationTransitions} t where t.declaration_id = d.id and t.to_state = 'RELEASED')
      end as released
    from ${declarationsTable} d where d.id = any(${ids(declarationIds)}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

const declarations: Apply = async (tx, events) => {
  const changes = events.map((e) =>
    e.eventType === 'DeclarationSubmitted'
      ? { e, id: readPayload(SUBMITTED, e.eventType, e).declarationId, change: null }
      : {
          e,
          id: readPayload(STATE_CHANGED, 'DeclarationStateChanged', e).declarationId,
          change: readPayload(STATE_CHANGED, 'DeclarationStateChanged', e),
        },
  );
  const exited = new Set(
    changes.filter((c) => c.change?.to === 'EXITED' && EXIT_KINDS.has(c.change.kind)).map((c) => c.id),
  );
  const facts = await declarationFacts(
    tx,
    changes.map((c) => c.id),
    exited,
  );
  const counts = new Map<string, number>();
  const add = (hour: string, state: string, n: number) => {
    const key = `${hour}|${state}`;
    counts.set(key, (counts.get(key) ?? 0) + n);
  };
  const heldFrom = new Map<string, string>();
  const released = new Set<string>();
  const clearance = new Map<string, number>();
  const bucket = (port: string, hour: string, measure: string, seconds: number) => {
    const key = `${port}|${hour}|${measure}|${clearanceBucket(seconds)}`;
    clearance.set(key, (clearance.get(key) ?? 0) + 1);
  };
  for (const { e, id, change } of changes) {
    const f = facts.get(id);
    if (!f) continue;
    const created = hourOf(new Date(f.created_at));
    if (!change) {
      add(created, 'SUBMITTED', 1);
      continue;
    }
    add(created, change.from, -1);
    add(created, change.to, 1);
    if (change.to === 'HELD') {
      heldFrom.set(id, iso(e.occurredAt));
      released.delete(id);
    } else if (change.from === 'HELD') {
      heldFrom.delete(id);
      released.add(id);
    }
    if (exited.has(id) && change.to === 'EXITED' && f.port_code) {
      const submitted = new Date(f.created_at).getTime();
      const exitAt = e.occurredAt.getTime();
      if (exitAt - submitted > LOOKBACK_MS) continue;
      const hour = hourOf(e.occurredAt);
      bucket(f.port_code, hour, 'EXIT', (exitAt - submitted) / 1000);
      if (f.released) bucket(f.port_code, hour, 'RELEASE', (new Date(f.released).getTime() - submitted) / 1000);
    }
  }
  const hourly = [...counts]
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => ({ hour: k.split('|')[0], state: k.split('|')[1], n }));
  if (hourly.length > 0)
    await tx.execute(sql`
      insert into ${commandDeclarationHourly} (hour, state, n) select hour, state, n
      from ${recordset(hourly, 'hour timestamptz, state text, n int')}
      on conflict (hour, state) do update set n = ${commandDeclarationHourly}.n + excluded.n`);
  if (released.size > 0)
    await tx.execute(sql`delete from ${commandHeld} where declaration_id = any(${ids([...released])}::uuid[])`);
  const held = [...heldFrom].map(([declaration_id, since]) => ({ declaration_id, since }));
  if (held.length > 0)
    await tx.execute(sql`
      insert into ${commandHeld} (declaration_id, since) select declaration_id, since
      from ${recordset(held, 'declaration_id uuid, since timestamptz')}
      on conflict (declaration_id) do update set since = excluded.since`);
  const buckets = [...clearance].map(([k, n]) => {
    const [port_code, hour, measure, b] = k.split('|');
    return { port_code, hour, measure, bucket: Number(b), n };
  });
  if (buckets.length > 0)
    await tx.execute(sql`
      insert into ${commandClearanceBuckets} (port_code, hour, measure, bucket, n)
      select port_code, hour, measure, bucket, n
      from ${recordset(buckets, 'port_code text, hour timestamptz, measure text, bucket smallint, n int')}
      on conflict (hour, port_code, measure, bucket) do update set n = ${commandClearanceBuckets}.n + excluded.n`);
};

// ---------------------------------------------------------------------------------------------
// Risk: RED and YELLOW decisions per hour.

const ASSESSED = RISK_EVENTS.RiskAssessed.pick({ level: true });

const alerts: Apply = async (tx, events) => {
  const rows = events
    .map((e) => ({ hour: hourOf(e.occurredAt), level: readPayload(ASSESSED, 'RiskAssessed', e).level }))
    .filter((r) => r.level === 'RED' || r.level === 'YELLOW');
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into ${commandAlertHourly} (hour, level, n) select hour, level, count(*)
    from ${recordset(rows, 'hour timestamptz, level text')} group by 1, 2
    on conflict (hour, level) do update set n = ${commandAlertHourly}.n + excluded.n`);
};

// ---------------------------------------------------------------------------------------------
// Tax bills: count and sums per hour of issue (numeric in SQL, never floats).

const BILL = DECLARATIONS_EVENTS.TaxBillIssued.pick({
  kind: true,
  duty: true,
  consumptionTax: true,
  vat: true,
  total: true,
});

const BILL_COLUMNS = 'hour timestamptz, kind text, duty numeric, consumption_tax numeric, vat numeric, total numeric';

const tax: Apply = async (tx, events) => {
  const rows = events.map((e) => {
    const b = readPayload(BILL, 'TaxBillIssued', e);
    const { kind, duty, vat, total } = b;
    return { hour: hourOf(e.occurredAt), kind, duty, consumption_tax: b.consumptionTax, vat, total };
  });
  await tx.execute(sql`
    insert into ${commandTaxHourly} (hour, bills, supplementary, duty, consumption_tax, vat, total)
    select hour, count(*), count(*) filter (where kind = 'SUPPLEMENTARY'), sum(duty), sum(consumption_tax), sum(vat),
      sum(total)
    from ${recordset(rows, BILL_COLUMNS)}
    group by 1
    on conflict (hour) do update set bills = ${commandTaxHourly}.bills + excluded.bills,
      supplementary = ${commandTaxHourly}.supplementary + excluded.supplementary,
      duty = ${commandTaxHourly}.duty + excluded.duty,
      consumption_tax = ${commandTaxHourly}.consumption_tax + excluded.consumption_tax,
      vat = ${commandTaxHourly}.vat + excluded.vat, total = ${commandTaxHourly}.total + excluded.total`);
};

// ---------------------------------------------------------------------------------------------
// Duty-free: sales per purchase day, shop and category ('*': the shop's total), returns on their day.

const CONFIRMED = DUTYFREE_EVENTS.DutyFreeConfirmed.pick({
  shop: true,
  purchaseDate: true,
  amount: true,
  units: true,
  categories: true,
});
const RETURNED = DUTYFREE_EVENTS.DutyFreeReturned.pick({ shop: true, amountReturned: true });

const SALE_COLUMNS = 'day date, shop text, category text, sales int, units int, amount numeric, returned numeric';

const dutyfree: Apply = async (tx, events) => {
  const rows: {
    day: string;
    shop: string;
    category: string;
    sales: number;
    units: number;
    amount: string;
    returned: string;
  }[] = [];
  for (const e of events) {
    if (e.eventType === 'DutyFreeConfirmed') {
      const s = readPayload(CONFIRMED, e.eventType, e);
      rows.push({
        day: s.purchaseDate,
        shop: s.shop,
        category: '*',
        sales: 1,
        units: s.units,
        amount: s.amount,
        returned: '0',
      });
      for (const category of new Set(s.categories))
        rows.push({ day: s.purchaseDate, shop: s.shop, category, sales: 1, units: 0, amount: '0', returned: '0' });
    } else {
      const r = readPayload(RETURNED, 'DutyFreeReturned', e);
      const day = shanghaiDate(e.occurredAt);
      rows.push({ day, shop: r.shop, category: '*', sales: 0, units: 0, amount: '0', returned: r.amountReturned });
    }
  }
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into ${commandDutyfreeDaily} (day, shop, category, sales, units, amount, returned)
    select day, shop, category, sum(sales), sum(units), sum(amount), sum(returned)
    from ${recordset(rows, SALE_COLUMNS)}
    group by 1, 2, 3
    on conflict (day, shop, category) do update set sales = ${commandDutyfreeDaily}.sales + excluded.sales,
      units = ${commandDutyfreeDaily}.units + excluded.units,
      amount = ${commandDutyfreeDaily}.amount + excluded.amount,
      returned = ${commandDutyfreeDaily}.returned + excluded.returned`);
};

export const ROLLUP_STREAMS: readonly RollupStream[] = [
  { consumer: 'command-gate', eventTypes: ['ReleaseOrderPassed', 'ReleaseOrderDiverted'], apply: gate },
  {
    consumer: 'command-declarations',
    eventTypes: ['DeclarationSubmitted', 'DeclarationStateChanged'],
    apply: declarations,
  },
  { consumer: 'command-alerts', eventTypes: ['RiskAssessed'], apply: alerts },
  { consumer: 'command-tax', eventTypes: ['TaxBillIssued'], apply: tax },
  { consumer: 'command-dutyfree', eventTypes: ['DutyFreeConfirmed', 'DutyFreeReturned'], apply: dutyfree },
];

/** Every rollup table, emptied by a rebuild. */
export const ROLLUP_TABLES = [
  commandGateHourly,
  commandDeclarationHourly,
  commandHeld,
  commandAlertHourly,
  commandTaxHourly,
  commandClearanceBuckets,
  commandDutyfreeDaily,
] as const;

/**
 * Applies a stream's events once: takes the consumer's mark (locked until commit, so two appliers,
 * a server and a rebuild say, take turns), applies the events above it in one transaction and moves
 * the mark to the last. Returns how many were applied.
 */
export async function applyEvents(ctx: AppContext, stream: RollupStream, events: readonly OutboxEvent[]) {
  const ours = events.filter((e) => stream.eventTypes.includes(e.eventType));
  if (ours.length === 0) return 0;
  return ctx.db.transaction(async (t) => {
    const tx = t as unknown as Tx;
    const [mark] = await queryRows<{ last_event_id: string | number }>(
      tx,
      sql`
      insert into ${commandRollupMarks} (consumer, last_event_id, updated_at)
      values (${stream.consumer}, 0, ${iso(ctx.clock.now())}::timestamptz)
      on conflict (consumer) do update set consumer = excluded.consumer returning last_event_id`,
    );
    let last = Number(mark!.last_event_id);
    const fresh: OutboxEvent[] = [];
    for (const e of [...ours].sort((a, b) => a.id - b.id)) {
      if (e.id <= last) continue;
      fresh.push(e);
      last = e.id;
    }
    if (fresh.length === 0) return 0;
    await stream.apply(tx, fresh);
    await tx.execute(sql`
      update ${commandRollupMarks} set last_event_id = ${last}, updated_at = ${iso(ctx.clock.now())}::timestamptz
      where consumer = ${stream.consumer}`);
    return fresh.length;
  });
}

/** The rollup consumers, subscribed from the manifest (`subscribers`). */
export function subscribeRollups(ctx: AppContext): void {
  for (const stream of ROLLUP_STREAMS)
    ctx.dispatcher.subscribeBatch(stream.consumer, async (events) => void (await applyEvents(ctx, stream, events)), {
      eventTypes: stream.eventTypes,
    });
}

export interface RebuildResult {
  events: number;
  horizon: number;
  seconds: number;
}

/**
 * Empties the rollups and applies every outbox event up to the settled horizon again, in one
 * transaction: readers see the old figures until it commits, and the marks it leaves (the horizon,
 * for every consumer) make a running server's consumers skip what it applied and take what came after.
 */
export async function rebuildRollups(
  ctx: AppContext,
  opts: { pageSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<RebuildResult> {
  const started = performance.now();
  const pageSize = opts.pageSize ?? 5000;
  const horizon = await latestEventId(ctx.db);
  const types = ROLLUP_STREAMS.flatMap((s) => s.eventTypes);
  const events = await ctx.db.transaction(async (t) => {
    const tx = t as unknown as Tx;
    const now = iso(ctx.clock.now());
    const marks = ROLLUP_STREAMS.map((s) => ({ consumer: s.consumer, last_event_id: horizon, updated_at: now }));
    // The marks first: a server's consumer waits on them until this commits.
    await tx.execute(sql`
      insert into ${commandRollupMarks} (consumer, last_event_id, updated_at)
      select consumer, last_event_id, updated_at
      from ${recordset(marks, 'consumer text, last_event_id bigint, updated_at timestamptz')}
      on conflict (consumer) do update set last_event_id = excluded.last_event_id, updated_at = excluded.updated_at`);
    for (const table of ROLLUP_TABLES) await tx.execute(sql`delete from ${table}`);
    const [count] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from ${outboxEvents}
          where id <= ${horizon} and event_type = any(${pgArray(types)}::text[])`,
    );
    const total = Number(count?.n ?? 0);
    opts.onProgress?.(0, total);
    let after = 0;
    let done = 0;
    for (;;) {
      const page = await readEventsBetween(tx, after, horizon, pageSize, types);
      if (page.length === 0) break;
      for (const stream of ROLLUP_STREAMS) {
        const ours = page.filter((e) => stream.eventTypes.includes(e.eventType));
        if (ours.length > 0) await stream.apply(tx, ours);
      }
      after = page.at(-1)!.id;
      done += page.length;
      opts.onProgress?.(done, total);
    }
    return done;
  });
  return { events, horizon, seconds: (performance.now() - started) / 1000 };
}
