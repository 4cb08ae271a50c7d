/** Second-line gates (卡口) and inspection (查验): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { seedGateDemo } from './demo.ts';
import { GATE_EVENTS } from './events.ts';
import { GATE_PARAMETER_SEEDS, GATE_PARAMETERS } from './parameters.ts';
import { gateRoutes } from './routes.ts';
import { GATE_EVENT_PARTITIONS } from './service.ts';

export const gateModule: TidegateModule = {
  name: 'gate',
  routes: [gateRoutes],
  events: GATE_EVENTS,
  partitioned: [GATE_EVENT_PARTITIONS],
  parameters: { specs: GATE_PARAMETERS, seeds: GATE_PARAMETER_SEEDS },
  seedDemo: (ctx, world) => seedGateDemo(ctx, world.enterpriseId('logistics')),
  web: [
    { path: '/gate', nav: 'gate.nav', officerOnly: true },
    { path: '/inspection', nav: 'inspection.nav', officerOnly: true },
  ],
};
