/**
 * A buyer's quota of a year: `used` = confirmed and not returned, `reserved` = held by open
 * reservations not yet past their time, `left` = quota − used − reserved. A read, no transaction:
 * one statement, the year's quota parameter in force beside the buyer's row and quota row found by
 * the keyed hash (indexed reads each). Not through the reference cache: its counter read is a
 * statement of its own that every look-up waited for (up to two in a row under load), for a
 * parameter the look-up reads by its index anyway. Nothing here waits for the till's groups.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows } from '../../../platform/db/client.ts';
import { quotedTableName } from '../../../platform/db/rows.ts';
import { parameterRead } from '../../../platform/parameters/service.ts';
import { policyParameters } from '../../../platform/parameters/schema.ts';
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

const QUOTA_PARAMETER = 'dutyfree.annualQuotaCny';

interface QuotaRow {
  parameter_id: number;
  parameter_value: string;
  valid_from: string;
  valid_to: string | null;
  used: string | null;
  reserved: string | null;
  overdue: string | null;
}

/** The tables' names, quoted once: the look-up's text is built without resolving table objects. */
const PARAMETERS = sql.raw(quotedTableName(policyParameters));
const BUYERS = sql.raw(quotedTableName(dutyfreeBuyers));
const QUOTAS = sql.raw(quotedTableName(dutyfreeQuotas));
const RESERVATIONS = sql.raw(quotedTableName(dutyfreeReservations));

export async function quotaOf(
  ctx: AppContext,
  q: { idType: IdType; idNumber: string; year?: number },
): Promise<QuotaAnswer> {
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const year = q.year ?? quotaYear(today);
  const hash = personHash(ctx, q.idType, q.idNumber);
  const day = quotaDay(year, today);
  // The version in force (none: no row at all), the buyer's quota row of the year (none: nulls) and
  // what of it is held past its time.
  const [row] = await queryRows<QuotaRow>(
    ctx.db,
    sql`select p.id as parameter_id, p.value as parameter_value, p.valid_from::text as valid_from,
          p.valid_to::text as valid_to, q.used::text as used, q.reserved::text as reserved,
          q.overdue::text as overdue
        from (select id, value, valid_from, valid_to from ${PARAMETERS}
              where name = ${QUOTA_PARAMETER} and valid_from <= ${day}::date
                and (valid_to is null or valid_to > ${day}::date)
              order by id desc limit 1) p
        left join (select q.used, q.reserved,
                     coalesce((select sum(r.amount) from ${RESERVATIONS} r
                               where r.buyer_id = b.id and r.quota_year = ${year}::int and r.status = 'RESERVED'
                                 and r.expires_at <= ${now.toISOString()}::timestamptz), 0) as overdue
                   from ${BUYERS} b join ${QUOTAS} q on q.buyer_id = b.id and q.year = ${year}::int
                   where b.id_number_hash = ${hash}) q on true`,
  );
  const param = parameterRead<string>(
    row && { id: row.parameter_id, value: row.parameter_value, validFrom: row.valid_from, validTo: row.valid_to },
    QUOTA_PARAMETER,
    day,
  );
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
