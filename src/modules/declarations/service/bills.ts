import { and, desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import { eager, type Executor } from '../../../platform/db/client.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DECLARATIONS_EVENTS } from '../events.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { listEnterpriseScope } from '../../subjects/service.ts';
import { withPayment } from '../../payments/service.ts';
import { billCsv, billNumber, type TaxBillFigures } from '../rules.ts';
import { taxBills } from '../schema.ts';
import { assertVisible, billView, nextSerial, partitionOf, type DeclarationRow, type TaxBillRow } from './store.ts';

/**
 * Issues a tax bill (税单) for a declaration: the original bill when it is accepted, a
 * supplementary bill (补税) when an inspection finds more to tax. The figures carry every rate,
 * formula, rule and parameter version used.
 */
export async function issueBill(
  tx: Executor,
  ctx: AppContext,
  d: Pick<DeclarationRow, 'id' | 'enterpriseId'>,
  uscc: string,
  actor: Actor,
  bill: {
    kind: 'ORIGINAL' | 'SUPPLEMENTARY';
    cause: string;
    /** The audit subject, when the bill is not a declaration's (a taxable island transfer's ledger document). */
    subject?: string;
    amounts: { duty: string; consumptionTax: string; vat: string; total: string };
    figures: TaxBillFigures | (TaxBillFigures & { supplementOf: unknown });
  },
  batch?: WriteBatch,
): Promise<TaxBillRow | { id: string; billNo: string }> {
  const now = ctx.clock.now();
  const day = shanghaiDate(now);
  const billNo = billNumber(day, await nextSerial(tx, 'TAX_BILL', day));
  const id = uuidv7(now.getTime());
  const entry = {
    actor: actorLabel(actor),
    action: 'declarations.taxBill',
    subject: bill.subject ?? `declaration:${d.id}`,
    change: { billNo, kind: bill.kind, cause: bill.cause, ...bill.amounts },
    at: now,
    partitionKey: partitionOf(uscc),
  };
  const row = (auditSeq: number) => ({
    id,
    billNo,
    declarationId: d.id,
    enterpriseId: d.enterpriseId,
    kind: bill.kind,
    cause: bill.cause,
    ...bill.amounts,
    figures: bill.figures,
    businessDate: day,
    issuedAt: now,
    auditSeq,
  });
  const event = typedEvent(DECLARATIONS_EVENTS, 'TaxBillIssued', {
    aggregateType: 'declaration',
    aggregateId: d.id,
    payload: {
      billId: id,
      billNo,
      declarationId: d.id,
      enterpriseId: d.enterpriseId,
      kind: bill.kind,
      ...bill.amounts,
    },
    occurredAt: now,
  });
  if (batch) {
    // Written with the rest of the command at its end; the bill's number is drawn now.
    const ref = batch.audit(entry);
    batch.defer((seqOf) => eager(tx.insert(taxBills).values(row(seqOf(ref)))));
    batch.event(event, ref);
    return { id, billNo };
  }
  const { seq } = await appendAudit(tx, entry);
  const [inserted] = await tx.insert(taxBills).values(row(seq)).returning();
  await enqueueEvents(tx, [{ ...event, auditSeq: seq }]);
  return inserted!;
}

export async function originalBillOf(ex: Executor, declarationId: string) {
  const [row] = await ex
    .select()
    .from(taxBills)
    .where(and(eq(taxBills.declarationId, declarationId), eq(taxBills.kind, 'ORIGINAL')))
    .limit(1);
  return row ?? null;
}

export async function listTaxBills(
  ctx: AppContext,
  actor: Actor,
  q: { uscc?: string; page: number; pageSize: number },
) {
  const scope = await listEnterpriseScope(ctx.db, actor, q.uscc);
  if (scope === 'none') return { items: [], total: 0 };
  const where = scope ? eq(taxBills.enterpriseId, scope) : undefined;
  const rows = await ctx.db
    .select()
    .from(taxBills)
    .where(where)
    .orderBy(desc(taxBills.issuedAt), desc(taxBills.billNo))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(taxBills).where(where);
  return { items: await withPayment(ctx.db, rows.map(billView), shanghaiDate(ctx.clock.now())), total: count?.n ?? 0 };
}

export async function getTaxBill(ctx: AppContext, actor: Actor, id: string) {
  const [row] = await ctx.db.select().from(taxBills).where(eq(taxBills.id, id));
  if (!row) throw problems.notFound(`Tax bill ${id}`);
  assertVisible(actor, row.enterpriseId, `Tax bill ${id}`);
  const [view] = await withPayment(ctx.db, [billView(row)], shanghaiDate(ctx.clock.now()));
  return view!;
}

/** The trader's export: one bill, or all of its bills, as CSV. */
export async function taxBillsCsv(ctx: AppContext, actor: Actor, opts: { id?: string; uscc?: string }) {
  const bills = opts.id
    ? [await getTaxBill(ctx, actor, opts.id)]
    : (await listTaxBills(ctx, actor, { uscc: opts.uscc, page: 1, pageSize: 200 })).items;
  const parts = bills.map((b, i) => {
    const csv = billCsv({
      billNo: b.billNo,
      kind: b.kind,
      declarationId: b.declarationId,
      issuedAt: b.issuedAt,
      figures: b.figures as TaxBillFigures,
    });
    return i === 0 ? csv : csv.split('\n').slice(1).join('\n');
  });
  return (
    parts.join('') ||
    billCsv({
      billNo: '',
      kind: '',
      declarationId: '',
      issuedAt: '',
      figures: {
        duty: '0.00',
        consumptionTax: '0.00',
        vat: '0.00',
        total: '0.00',
        dutyWaived: false,
        lines: [],
        parameterVersions: {},
      },
    }).split('\n')[0] + '\n'
  );
}
