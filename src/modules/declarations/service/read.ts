import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { findEnterprisesByIds, listEnterpriseScope } from '../../subjects/service.ts';
import { getReservation } from '../../ledger/service.ts';
import { declarations } from '../schema.ts';
import { withPayment } from '../../payments/service.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import {
  assertVisible,
  batchesOf,
  billsOf,
  declarationView,
  findDeclaration,
  transitionsOf,
  versionsOf,
} from './store.ts';

/**
 * How far past a page's start the list counts its matches. Counting every match cost more than the
 * page itself at a year's size (a busy port has hundreds of thousands of exits); past this bound
 * `total` is a lower bound and `totalExact` is false. Any page up to the bound can be reached.
 */
export const LIST_COUNT_LOOKAHEAD = 10_000;

export async function listDeclarations(
  ctx: AppContext,
  actor: Actor,
  q: { kind?: string; state?: string; uscc?: string; port?: string; sort?: string; page: number; pageSize: number },
) {
  const where: SQL[] = [];
  const scope = await listEnterpriseScope(ctx.db, actor, q.uscc);
  if (scope === 'none') return { items: [], total: 0, totalExact: true };
  if (scope) where.push(eq(declarations.enterpriseId, scope));
  if (q.kind) where.push(eq(declarations.kind, q.kind));
  if (q.state) where.push(eq(declarations.state, q.state));
  if (q.port) where.push(eq(declarations.portCode, q.port));
  const cond = where.length ? and(...where) : undefined;
  const by = q.sort?.replace(/^-/, '') === 'businessDate' ? declarations.businessDate : declarations.createdAt;
  const dir = q.sort?.startsWith('-') === false ? asc : desc;
  const offset = (q.page - 1) * q.pageSize;
  const cap = offset + LIST_COUNT_LOOKAHEAD;
  // The page and its count side by side; the count stops one row past the bound.
  const matches = ctx.db
    .select({ one: sql<number>`1`.as('one') })
    .from(declarations)
    .where(cond)
    .limit(cap + 1)
    .as('matches');
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select()
      .from(declarations)
      .where(cond)
      .orderBy(dir(by), dir(declarations.createdAt), dir(declarations.id))
      .limit(q.pageSize)
      .offset(offset),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(matches),
  ]);
  const n = count?.n ?? 0;
  // The declarant's name and USCC on each row: one read for the page.
  const named = new Map(
    (await findEnterprisesByIds(ctx.db, [...new Set(rows.map((r) => r.enterpriseId))])).map((e) => [
      e.id,
      { uscc: e.uscc, name: e.name },
    ]),
  );
  return {
    items: rows.map((r) => ({ ...declarationView(r), enterprise: named.get(r.enterpriseId) ?? null })),
    total: n,
    totalExact: n <= cap,
  };
}

/**
 * A declaration with its transitions (each with the audit entry that records it), bills, versions, the book
 * reservation and, for a centralized one, its batches.
 */
export async function getDeclaration(ctx: AppContext, actor: Actor, id: string) {
  const row = await findDeclaration(ctx.db, id);
  if (!row) throw problems.notFound(`Declaration ${id}`);
  assertVisible(actor, row.enterpriseId, `Declaration ${id}`);
  const [transitions, taxBills, versions, batches, reservation] = await Promise.all([
    transitionsOf(ctx.db, id),
    billsOf(ctx.db, id),
    versionsOf(ctx.db, row.rootId),
    row.kind === 'CENTRALIZED_DECLARATION' ? batchesOf(ctx.db, id) : Promise.resolve([]),
    row.reservationId ? getReservation(ctx.db, row.reservationId) : Promise.resolve(null),
  ]);
  return {
    ...declarationView(row),
    transitions,
    taxBills: await withPayment(ctx.db, taxBills, shanghaiDate(ctx.clock.now())),
    versions,
    batches,
    reservation: reservation ?? null,
  };
}
