/**
 * Second-line declarations (二线出岛申报, 分批出岛、集中申报, 税单): the module's manifest. Its demo
 * runs after the books' and the gates': the exits, batches and centralized declaration use their goods.
 */
import type { TidegateModule } from '../../platform/module.ts';
import { registerDeclarationsCommands } from './cli.ts';
import { seedDeclarationsDemo } from './demo.ts';
import { DECLARATIONS_PARAMETER_SEEDS, DECLARATIONS_PARAMETERS } from './parameters.ts';
import { declarationsRoutes } from './routes.ts';
import { DECLARATIONS_EVENTS } from './events.ts';
import { scheduleDeadlineCheck } from './scheduler.ts';
import { subscribeDeclarations, subscribeTransferBills } from './service.ts';

export const declarationsModule: TidegateModule = {
  name: 'declarations',
  routes: [declarationsRoutes],
  cli: registerDeclarationsCommands,
  schedules: [{ name: 'centralized-declaration deadlines daily at 00:10', start: scheduleDeadlineCheck }],
  subscribers: [
    { name: 'declarations', subscribe: subscribeDeclarations },
    { name: 'declarations-transfer-bills', events: ['DocumentPosted'], subscribe: subscribeTransferBills },
  ],
  parameters: { specs: DECLARATIONS_PARAMETERS, seeds: DECLARATIONS_PARAMETER_SEEDS },
  events: DECLARATIONS_EVENTS,
  seedDemo: (ctx, world) =>
    seedDeclarationsDemo(ctx, {
      jerky: world.enterpriseId('jerky'),
      logistics: world.enterpriseId('logistics'),
      equipment: world.enterpriseId('equipment'),
    }),
  web: [{ path: '/declarations', nav: 'nav.declarations' }],
};
