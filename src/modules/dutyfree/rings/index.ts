/**
 * Resale rings (套代购) in one object, the manifest of src/platform/module.ts (as the duty-free
 * module's own index.ts), listed in src/modules/index.ts. Its demo runs after the users': officers
 * propose and decide the demo's resale cases.
 */
import type { TidegateModule } from '../../../platform/module.ts';
import { specsFromCheck } from '../../../platform/parameters/definition.ts';
import { RING_EVENTS } from './events.ts';
import { RING_PARAMETERS, ringParameterCheck } from './parameters.ts';
import { ringRoutes } from './routes.ts';
import { scheduleRingDetection } from './scheduler.ts';
import { subscribeConduct } from './service/conduct.ts';
import { seedRingsDemo } from './demo.ts';

export const ringsModule: TidegateModule = {
  name: 'dutyfree-rings',
  routes: [ringRoutes],
  schedules: [{ name: 'resale-ring detection nightly at 01:30', start: scheduleRingDetection }],
  subscribers: [
    {
      name: 'dutyfree-conduct, dutyfree-sale-reviews, dutyfree-credit-input',
      events: [
        'DutyFreeBuyerBanned',
        'DutyFreeDepartureMissed',
        'DutyFreeBanLifted',
        'DutyFreeConfirmed',
        'DutyFreeResaleCaseConfirmed',
      ],
      subscribe: subscribeConduct,
    },
  ],
  events: RING_EVENTS,
  parameters: { specs: specsFromCheck(RING_PARAMETERS, ringParameterCheck), seeds: RING_PARAMETERS },
  seedDemo: (ctx) => seedRingsDemo(ctx),
};
