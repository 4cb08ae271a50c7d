/** Data sharing with other departments (webhooks, outbound feeds): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { sharingRoutes } from './routes.ts';
import { startWebhookDelivery } from './service.ts';

export const sharingModule: TidegateModule = {
  name: 'sharing',
  routes: [sharingRoutes],
  schedules: [{ name: 'webhook delivery every second', start: (ctx) => startWebhookDelivery(ctx) }],
};
