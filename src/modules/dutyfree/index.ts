/**
 * The duty-free module in one object (its manifest, src/platform/module.ts): what the composition
 * root needs to run it. Listed once in src/modules/index.ts; main.ts, cli.ts and the demo seed loop
 * over that list.
 */
import type { TidegateModule } from '../../platform/module.ts';
import { specsFromCheck } from '../../platform/parameters/definition.ts';
import { DUTYFREE_EVENTS } from './events.ts';
import { DUTYFREE_PARAMETERS } from './parameters.ts';
import { dutyfreeParameterViolations } from './rules.ts';
import { dutyfreeRoutes } from './routes.ts';
import { scheduleDutyfree } from './scheduler.ts';
import { seedDutyfreeDemo } from './demo.ts';
import { registerDutyfreeCommands } from './sim/cli.ts';

export const dutyfreeModule: TidegateModule = {
  name: 'dutyfree',
  routes: [dutyfreeRoutes],
  cli: (program, open) => {
    const dutyfree = program
      .command('dutyfree')
      .description('Offshore duty-free (离岛免税): simulated sales and resale-ring detection');
    registerDutyfreeCommands(dutyfree, open);
  },
  schedules: [{ name: 'expiry every minute, missed departures daily at 00:15', start: scheduleDutyfree }],
  events: DUTYFREE_EVENTS,
  parameters: {
    specs: specsFromCheck(DUTYFREE_PARAMETERS, dutyfreeParameterViolations),
    seeds: DUTYFREE_PARAMETERS,
  },
  seedDemo: (ctx) => seedDutyfreeDemo(ctx),
  web: [{ path: '/dutyfree', nav: 'dutyfree.nav', officerOnly: true }, { path: '/shop' }, { path: '/self' }],
};
