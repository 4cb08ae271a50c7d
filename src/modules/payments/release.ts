/**
 * What follows a payment (the manifest's subscriber): an exit that waited for its bill is released
 * (declarations' `releaseAfterSettlement`), and a paid overdue bill raises the credit rating again
 * when it was the enterprise's last one. Both are idempotent: a redelivered event changes nothing.
 */
import type { AppContext } from '../../platform/context.ts';
import { payloadOf } from '../../platform/outbox/contract.ts';
import { releaseAfterSettlement } from '../declarations/service.ts';
import { PAYMENT_EVENTS } from './events.ts';
import { creditAfterPayment } from './service.ts';

export function subscribePayments(ctx: AppContext): void {
  ctx.dispatcher.subscribe(
    'payments',
    async (event) => {
      const p = payloadOf(PAYMENT_EVENTS, 'TaxBillPaymentChanged', event);
      if (p.to === 'PAID' || p.to === 'GUARANTEED') await releaseAfterSettlement(ctx, p.declarationId);
      if (p.from === 'OVERDUE' && p.to === 'PAID') await creditAfterPayment(ctx, p.enterpriseId);
    },
    { eventTypes: ['TaxBillPaymentChanged'] },
  );
}
