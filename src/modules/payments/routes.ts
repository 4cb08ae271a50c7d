import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import * as service from './service.ts';
import { alertsOut, alertsQuery, billIdParams, billPaymentOut, noticeBody, noticeOut, sweepOut } from './wire.ts';

const tags = ['tax-bills'];
const READERS: Role[] = [...OFFICER_ROLES, 'enterprise_user', 'department'];

/** The payment of tax bills (税款缴纳): treasury notices, a bill's payment, the overdue sweep and its alerts. */
export const paymentRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/tax-bills/:id/payment-notices', {
    config: { access: { roles: ['department'] } },
    schema: {
      tags,
      summary:
        'A treasury or bank notice (department client): PAYMENT equal to the bill to the fen marks it PAID, ' +
        'GUARANTEE covering it marks it GUARANTEED; idempotent by noticeId; a refusal names its rule and writes ' +
        'nothing',
      params: billIdParams,
      body: noticeBody,
      response: { 200: noticeOut },
    },
    handler: async (req) => service.receiveNotice(ctx, actorOf(req), req.params.id, req.body),
  });

  app.get('/api/v1/tax-bills/:id/payment', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: "A tax bill's payment state (UNPAID, GUARANTEED, PAID, OVERDUE), due date and notices",
      params: billIdParams,
      response: { 200: billPaymentOut },
    },
    handler: async (req) => service.billPayment(ctx, actorOf(req), req.params.id),
  });

  app.post('/api/v1/tax-bills/overdue-sweep', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Run the overdue sweep now: unpaid bills past their due date become OVERDUE, alert and count in credit',
      response: { 200: sweepOut },
    },
    handler: async () => service.sweepOverdue(ctx, shanghaiDate(ctx.clock.now())),
  });

  app.get('/api/v1/tax-bills/overdue-alerts', {
    config: { access: { roles: [...OFFICER_ROLES] } },
    schema: {
      tags,
      summary: 'Alerts of overdue tax bills, newest first',
      querystring: alertsQuery,
      response: { 200: alertsOut },
    },
    handler: async (req) => service.listAlerts(ctx, req.query),
  });
};
