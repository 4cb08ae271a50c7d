/** Duty-free test helpers: shop keys, buyers with valid identity numbers, sale bodies, table counts. */
import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/client.ts';
import { residentIdCheckDigit } from '../../src/kernel/residentId.ts';
import type { TestApp } from '../support/app.ts';
import { SHOPS as CATALOGUE_SHOPS } from '../../src/modules/dutyfree/sim/catalogue.ts';

/** The twelve shops' codes (as the migration seeds them). */
export const SHOPS = CATALOGUE_SHOPS.map((s) => s.code);

/** An API key of a dutyfree_shop client bound to `shop`. */
export function shopKey(t: TestApp, shop: string): Promise<string> {
  return t.authFor('dutyfree_shop', { name: `shop-${shop}`, scope: { shop } });
}

export const residentId = (first17: string) => first17 + residentIdCheckDigit(first17);

let serial = Math.floor(Math.random() * 900);
/** A new adult mainland buyer (Guangdong resident ID, born in 1990). */
export function newBuyer(over: { birth?: string; province?: string } = {}) {
  const birth = (over.birth ?? '1990-05-17').replace(/-/g, '');
  const order = String(serial++ % 1000).padStart(3, '0');
  return {
    idType: 'RESIDENT_ID' as const,
    idNumber: residentId(`${over.province ?? '440301'}${birth}${order}`),
    name: '陈晓东',
  };
}

export interface ItemSpec {
  sku?: string;
  name?: string;
  category?: string;
  unitPrice?: string;
  quantity?: number;
  volumeMl?: number;
  piecesPerUnit?: number;
}

export function item(o: ItemSpec = {}) {
  return {
    sku: o.sku ?? 'SKU-W-1',
    name: o.name ?? '腕表 watch',
    category: o.category ?? 'WATCHES',
    unitPrice: o.unitPrice ?? '1200.00',
    quantity: o.quantity ?? 1,
    ...(o.volumeMl ? { volumeMl: o.volumeMl } : {}),
    ...(o.piecesPerUnit ? { piecesPerUnit: o.piecesPerUnit } : {}),
  };
}

/** A sale body: a flight to the mainland `daysAhead` days after the test clock's Asia/Shanghai date. */
export function saleBody(
  t: TestApp,
  buyer: ReturnType<typeof newBuyer> | Record<string, unknown>,
  items: ReturnType<typeof item>[],
  extra: Record<string, unknown> = {},
) {
  const shanghai = new Date(t.clock.now().getTime() + 8 * 3600_000);
  const date = new Date(shanghai.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
  return {
    buyer,
    departure: { mode: 'FLIGHT', number: 'HU7181', date, destination: 'MAINLAND' },
    collection: 'DEPARTURE_PICKUP',
    items,
    ...extra,
  };
}

export async function count(t: TestApp, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(t.ctx.db, sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row!.n);
}

/** Rows in every duty-free table and the audit and outbox, to show a refusal wrote nothing. */
export async function footprint(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'dutyfree_buyers',
    'dutyfree_quotas',
    'dutyfree_trips',
    'dutyfree_reservations',
    'dutyfree_reservation_items',
    'dutyfree_codes',
    'dutyfree_departures',
    'dutyfree_buyer_facts',
    'dutyfree_bans',
    'audit_entries',
    'outbox_events',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = await count(t, table);
  return out;
}

export function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): any },
  status: number,
  rule?: string,
  path?: string,
) {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json();
  if (rule) expect(body.errors?.map((e: { rule: string }) => e.rule) ?? [body.rule]).toContain(rule);
  if (path) expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  return body;
}

/** The quota row of a buyer's year straight from the table: used + reserved must never pass the quota. */
export async function quotaRow(t: TestApp, buyerIdNumberHashOrId: { buyerId: string }, year: number) {
  const [row] = await queryRows<{ quota: string; used: string; reserved: string }>(
    t.ctx.db,
    sql`select quota::text as quota, used::text as used, reserved::text as reserved from dutyfree_quotas
        where buyer_id = ${buyerIdNumberHashOrId.buyerId} and year = ${year}`,
  );
  return row;
}
