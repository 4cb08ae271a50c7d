/**
 * A buyer's quota of a year: `used` = confirmed and not returned, `reserved` = held by open
 * reservations not yet past their time, `left` = quota − used − reserved. A read, no transaction:
 * two statements side by side (the parameter, and the buyer's row with the year's quota row).
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows, together } from '../../../platform/db/client.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { D, money, quotaYear, type IdType } from '../rules.ts';
import { personHash } from './store.ts';
import { dutyfreeBuyers, dutyfreeQuotas, dutyfreeReservations } from '../schema.ts';

export interface QuotaAnswer {
  year: number;
  quota: string;
  used: string;
  reserved: string;
  left: string;
}

/**
 * The day whose parameter gives a year's quota: today for this year, its last day for a past
 * year, its first for a later one.
 */
function quotaDay(year: number, today: string): string {
  const current = quotaYear(today);
  if (year === current) return today;
  return year < current ? `${year}-12-31` : `${year}-01-01`;
}

export async function quotaOf(
  ctx: AppContext,
  q: { idType: IdType; idNumber: string; year?: number },
): Promise<QuotaAnswer> {
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const year = q.year ?? quotaYear(today);
  const hash = personHash(ctx, q.idType, q.idNumber);
  const [param, rows] = await together([
    getParameter<string>(ctx.db, 'dutyfree.annualQuotaCny', quotaDay(year, today)),
    queryRows<{ used: string; reserved: string; overdue: string }>(
      ctx.db,
      sql`select q.used::text as used, q.reserved::text as reserved,
            coalesce((select sum(r.amount) from ${dutyfreeReservations} r
                      where r.buyer_id = b.id and r.quota_year = ${year} and r.status = 'RESERVED'
                        and r.expires_at <= ${now.toISOString()}), 0)::text as overdue
          from ${dutyfreeBuyers} b join ${dutyfreeQuotas} q on q.buyer_id = b.id and q.year = ${year}
          where b.id_number_hash = ${hash}`,
    ),
  ] as const);
  const row = rows[0];
  const quota = new D(String(param.value));
  const used = new D(row?.used ?? 0);
  // Held quota past its time is free already, even before the sweep records it.
  const reserved = new D(row?.reserved ?? 0).minus(row?.overdue ?? 0);
  return {
    year,
    quota: money(quota),
    used: money(used),
    reserved: money(reserved),
    left: money(quota.minus(used).minus(reserved)),
  };
}
