/** Joint control of RED declarations (联合监管): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { seedJointControlDemo } from './demo.ts';
import { JOINT_CONTROL_EVENTS } from './events.ts';
import { JOINT_CONTROL_PARAMETER_SEEDS, JOINT_CONTROL_PARAMETERS } from './parameters.ts';
import { jointControlRoutes } from './routes.ts';
import { subscribeJointControl } from './service.ts';

export const jointControlModule: TidegateModule = {
  name: 'jointcontrol',
  routes: [jointControlRoutes],
  subscribers: [
    { name: 'jointcontrol', events: ['RiskAssessed', 'DutyFreeSaleRiskRefused'], subscribe: subscribeJointControl },
  ],
  events: JOINT_CONTROL_EVENTS,
  parameters: { specs: JOINT_CONTROL_PARAMETERS, seeds: JOINT_CONTROL_PARAMETER_SEEDS },
  seedDemo: (ctx) => seedJointControlDemo(ctx),
};
