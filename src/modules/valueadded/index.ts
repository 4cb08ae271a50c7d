/** Cumulative value added (累计编号), evidence of a ratio and its review queue: the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { VALUE_ADDED_PARAMETERS, VALUE_ADDED_PARAMETER_SEEDS } from './parameters.ts';
import { valueAddedRoutes } from './routes.ts';
import { VALUE_ADDED_EVENTS } from './events.ts';

export const valueAddedModule: TidegateModule = {
  name: 'valueadded',
  routes: [valueAddedRoutes],
  events: VALUE_ADDED_EVENTS,
  parameters: { specs: VALUE_ADDED_PARAMETERS, seeds: VALUE_ADDED_PARAMETER_SEEDS },
  web: [{ path: '/value-added', nav: 'valueAdded.nav', officerOnly: true }],
};
