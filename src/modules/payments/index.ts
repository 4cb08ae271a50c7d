/** The payment of tax bills (税款缴纳): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { PAYMENT_EVENTS } from './events.ts';
import { PAYMENT_PARAMETER_SEEDS, PAYMENT_PARAMETERS } from './parameters.ts';
import { subscribePayments } from './release.ts';
import { paymentRoutes } from './routes.ts';
import { scheduleOverdueSweep } from './scheduler.ts';

export const paymentsModule: TidegateModule = {
  name: 'payments',
  routes: [paymentRoutes],
  schedules: [{ name: 'overdue tax bills daily at 00:15', start: scheduleOverdueSweep }],
  subscribers: [{ name: 'payments', events: ['TaxBillPaymentChanged'], subscribe: subscribePayments }],
  events: PAYMENT_EVENTS,
  parameters: { specs: PAYMENT_PARAMETERS, seeds: PAYMENT_PARAMETER_SEEDS },
};
