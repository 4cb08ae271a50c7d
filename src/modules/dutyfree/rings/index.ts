/**
 * Resale rings (套代购) in one object, the shape of issue 16 (as the duty-free module's own index.ts):
 * until the composition root loops over such objects, each part is started by one line — routes in
 * `platform/plugins.ts`, the nightly detection and the outbox consumers in `main.ts`, the parameter
 * in the platform defaults, the demo in `seed/demo.ts`.
 */
import { RING_EVENTS } from './events.ts';
import { RING_PARAMETERS } from './parameters.ts';
import { ringRoutes } from './routes.ts';
import { scheduleRingDetection } from './scheduler.ts';
import { subscribeConduct } from './service/conduct.ts';
import { seedRingsDemo } from './demo.ts';

export const ringsModule = {
  name: 'dutyfree-rings',
  routes: ringRoutes,
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
  parameters: RING_PARAMETERS,
  demo: seedRingsDemo,
} as const;
