/** The command centre's port view (指挥中心口岸视图): lanes, trucks passed / diverted per hour, open inspections. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { queryRows } from '../../../platform/db/client.ts';
import { gateLanes, gateReplayConflicts, inspectionTasks, gateReleaseOrders, gateEvents } from '../schema.ts';

export async function listLanes(ex: Executor, portCode?: string) {
  return ex
    .select()
    .from(gateLanes)
    .where(portCode ? eq(gateLanes.portCode, portCode) : undefined)
    .orderBy(asc(gateLanes.code));
}

/** The 24 hours before `until`, in hour buckets (a rolling day, as the command centre watches it). */
export async function portView(ex: Executor, portCode: string, until: Date) {
  const to = new Date(Math.ceil(until.getTime() / 3_600_000) * 3_600_000);
  const from = new Date(to.getTime() - 86_400_000);
  const lanes = await listLanes(ex, portCode);
  const perLaneHour = await queryRows<{ lane: string; hour: number; decision: string; n: number }>(
    ex,
    sql`select lane_code as lane, floor(extract(epoch from (occurred_at - ${from.toISOString()}::timestamptz)) /
        3600)::int as hour, decision, count(*)::int as n
        from ${gateEvents} where port_code = ${portCode} and occurred_at >= ${from.toISOString()}::timestamptz and
          occurred_at < ${to.toISOString()}::timestamptz
        group by 1, 2, 3`,
  );
  const reasons = await queryRows<{ code: string; n: number }>(
    ex,
    sql`select r->>'code' as code, count(*)::int as n from ${gateEvents}, jsonb_array_elements(reasons) r
        where port_code = ${portCode} and decision = 'DIVERT' and occurred_at >= ${from.toISOString()}::timestamptz
          and occurred_at < ${to.toISOString()}::timestamptz group by 1 order by 2 desc, 1`,
  );
  const hours = Array.from({ length: 24 }, (_, hour) => {
    const start = new Date(from.getTime() + hour * 3_600_000);
    return {
      hour,
      start,
      label: `${String((start.getUTCHours() + 8) % 24).padStart(2, '0')}:00`,
      passed: 0,
      diverted: 0,
    };
  });
  const byLane = new Map(
    lanes.map((l) => [
      l.code,
      { code: l.code, laneNo: l.laneNo, kind: l.kind, nameZh: l.nameZh, passed: 0, diverted: 0 },
    ]),
  );
  for (const r of perLaneHour) {
    const h = hours[Number(r.hour)]!;
    const lane = byLane.get(r.lane);
    if (r.decision === 'PASS') {
      h.passed += Number(r.n);
      if (lane) lane.passed += Number(r.n);
    } else {
      h.diverted += Number(r.n);
      if (lane) lane.diverted += Number(r.n);
    }
  }
  const [open] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(inspectionTasks)
    .where(and(eq(inspectionTasks.portCode, portCode), sql`${inspectionTasks.status} <> 'COMPLETED'`));
  const [orders] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(gateReleaseOrders)
    .where(and(eq(gateReleaseOrders.portCode, portCode), eq(gateReleaseOrders.status, 'OPEN')));
  const [conflicts] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(gateReplayConflicts)
    .where(eq(gateReplayConflicts.status, 'OPEN'));
  return {
    portCode,
    from,
    to,
    lanes: [...byLane.values()],
    hours,
    divertReasons: reasons.map((r) => ({ code: r.code, count: Number(r.n) })),
    openInspections: Number(open?.n ?? 0),
    openReleaseOrders: Number(orders?.n ?? 0),
    openReplayConflicts: Number(conflicts?.n ?? 0),
  };
}
