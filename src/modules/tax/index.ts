/** Tax (税费): calculators, exchange rates and the tax of declarations; the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerTaxCommands } from './cli.ts';
import { TAX_EVENTS } from './events.ts';
import { seedTaxDemo } from './demo.ts';
import { TAX_PARAMETER_SEEDS, TAX_PARAMETERS } from './parameters.ts';
import { taxRoutes } from './routes.ts';

export const taxModule: TidegateModule = {
  name: 'tax',
  routes: [taxRoutes],
  cli: registerTaxCommands,
  events: TAX_EVENTS,
  parameters: { specs: TAX_PARAMETERS, seeds: TAX_PARAMETER_SEEDS },
  seedDemo: (ctx) => seedTaxDemo(ctx),
  web: [{ path: '/calculator', nav: 'nav.calculator' }],
};
