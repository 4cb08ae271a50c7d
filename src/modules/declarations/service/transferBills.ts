/**
 * The tax bill of a taxable island transfer (岛内流转): zero-tariff goods passed to an enterprise that is
 * not a beneficiary owe the import taxes they were spared (../shared/spec/mission.md §3, §5). The
 * ledger computes them when it posts the transfer; this consumer of its DocumentPosted event issues
 * the bill, numbered like every other (SD + day + the day's serial), in decl_tax_bills, so the payment
 * state, the treasury notices, the overdue sweep and the credit feed of the payments module apply.
 * The debtor is the transferor: the beneficiary that took the goods in tax-free and let them go.
 * There is no release to gate (the goods moved on the book when the transfer posted); an overdue
 * transfer bill still holds the enterprise's later exits (payments `settlementBeforeRelease`).
 */
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import type { OutboxEvent } from '../../../platform/outbox/service.ts';
import { readPayload } from '../../../platform/outbox/contract.ts';
import { LEDGER_EVENTS } from '../../ledger/events.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import type { TaxBillFigures, TaxBillLine } from '../rules.ts';
import { processedEvents, taxBills } from '../schema.ts';
import { issueBill } from './bills.ts';

const POSTED = LEDGER_EVENTS.DocumentPosted.pick({
  documentId: true,
  enterpriseId: true,
  type: true,
  businessDate: true,
  reference: true,
  tax: true,
});
type Posted = z.output<typeof POSTED>;

/** The ledger's tax figures of a transfer to a non-beneficiary (ledger service/documents.ts). */
interface TransferTax {
  due: boolean;
  rule: string;
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  dutyWaived: boolean;
  notCollected?: TaxBillFigures['notCollected'];
  parameterVersions: Record<string, number>;
  lines: (Omit<TaxBillLine, 'lineIndex'> & { formulas?: unknown })[];
}

const billActor = systemActor('declarations-transfer-bills');
export const TRANSFER_BILL_RULE = 'tax.islandTransfer.toNonBeneficiary';

function taxOf(p: Posted): TransferTax | null {
  if (p.type !== 'ISLAND_TRANSFER') return null;
  const t = p.tax as Partial<TransferTax> | null | undefined;
  if (t?.due !== true || t.rule !== TRANSFER_BILL_RULE || typeof t.total !== 'string') return null;
  // Transfers posted before transfers were billed carry no code or steps per line: a consumer that
  // starts from the outbox's beginning on an older database passes them over rather than billing
  // them on the day it runs with figures it cannot show (an officer raises those by supplementary bill).
  if (!Array.isArray(t.lines) || t.lines.some((l) => typeof l?.hsCode !== 'string' || !l.steps)) return null;
  return t as TransferTax;
}

function figuresOf(t: TransferTax): TaxBillFigures & { route: 'ISLAND_TRANSFER' } {
  return {
    route: 'ISLAND_TRANSFER',
    duty: t.duty,
    consumptionTax: t.consumptionTax,
    vat: t.vat,
    total: t.total,
    dutyWaived: t.dutyWaived,
    ...(t.notCollected ? { notCollected: t.notCollected } : {}),
    parameterVersions: t.parameterVersions,
    lines: t.lines.map(({ formulas: _formulas, ...l }, i) => ({ ...l, lineIndex: i })),
  };
}

/**
 * Issues the bill of one posted transfer, once: the event claimed by its id, and a transfer that
 * already has its bill (a replayed outbox) gets none. Other documents are passed over without a
 * transaction.
 */
export async function billTransfer(
  ctx: AppContext,
  event: OutboxEvent,
): Promise<{ id: string; billNo: string } | null> {
  if (event.eventType !== 'DocumentPosted') return null;
  const p = readPayload(POSTED, 'DocumentPosted', event);
  const tax = taxOf(p);
  if (!tax) return null;
  return runCommand(ctx, 'declarations.transferBill', async (tx) => {
    const [claimed] = await tx
      .insert(processedEvents)
      .values({ eventId: event.id, eventType: event.eventType, processedAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ id: processedEvents.eventId });
    if (!claimed) return null;
    const [known] = await tx
      .select({ id: taxBills.id })
      .from(taxBills)
      .where(and(eq(taxBills.declarationId, p.documentId), eq(taxBills.kind, 'ORIGINAL')));
    if (known) return null;
    const enterprise = await findEnterpriseById(tx, p.enterpriseId);
    const uscc = enterprise?.uscc ?? p.enterpriseId;
    const ref = p.reference ? ` (${p.reference})` : '';
    const bill = await issueBill(tx, ctx, { id: p.documentId, enterpriseId: p.enterpriseId }, uscc, billActor, {
      kind: 'ORIGINAL',
      cause:
        `Island transfer${ref} of zero-tariff goods to a non-beneficiary: ` +
        `the import taxes are due (${TRANSFER_BILL_RULE})`,
      subject: `ledger-document:${p.documentId}`,
      amounts: { duty: tax.duty, consumptionTax: tax.consumptionTax, vat: tax.vat, total: tax.total },
      figures: figuresOf(tax),
    });
    return { id: bill.id, billNo: bill.billNo };
  });
}

export function subscribeTransferBills(ctx: AppContext): void {
  ctx.dispatcher.subscribe(
    'declarations-transfer-bills',
    async (event) => {
      await billTransfer(ctx, event);
    },
    { eventTypes: ['DocumentPosted'] },
  );
}
