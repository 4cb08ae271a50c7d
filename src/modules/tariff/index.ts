/** The tariff table (税则): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerTariffCommands } from './cli.ts';
import { TARIFF_EVENTS } from './events.ts';
import { TARIFF_PARAMETER_SEEDS, TARIFF_PARAMETERS } from './parameters.ts';
import { tariffRoutes } from './routes.ts';

export const tariffModule: TidegateModule = {
  name: 'tariff',
  routes: [tariffRoutes],
  cli: registerTariffCommands,
  events: TARIFF_EVENTS,
  parameters: { specs: TARIFF_PARAMETERS, seeds: TARIFF_PARAMETER_SEEDS },
};
