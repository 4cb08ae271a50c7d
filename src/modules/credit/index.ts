/** Second-line credit classification (二线口岸通关信用): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerCreditCommands } from './cli.ts';
import { seedCreditDemo } from './demo.ts';
import { CREDIT_PARAMETER_SEEDS, CREDIT_PARAMETERS } from './parameters.ts';
import { creditRoutes } from './routes.ts';
import { CREDIT_EVENTS } from './events.ts';
import { scheduleDailySweep } from './scheduler.ts';

export const creditModule: TidegateModule = {
  name: 'credit',
  routes: [creditRoutes],
  cli: registerCreditCommands,
  schedules: [{ name: 'automatic removals daily at 00:05 Asia/Shanghai', start: (ctx) => scheduleDailySweep(ctx) }],
  parameters: { specs: CREDIT_PARAMETERS, seeds: CREDIT_PARAMETER_SEEDS },
  events: CREDIT_EVENTS,
  seedDemo: (ctx, world) =>
    seedCreditDemo(ctx, { uscc: (key) => world.uscc(key), penalisedTraveller: world.individualId('liMing') }),
};
