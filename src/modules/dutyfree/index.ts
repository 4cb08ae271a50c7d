/**
 * The duty-free module in one object, the shape issue 16 asks every module to export: what the
 * composition root needs to run it. Until the root loops over such objects, its routes are listed in
 * `platform/plugins.ts`, its schedules started in `main.ts`, its parameters spread into the platform
 * defaults and its demo called from `seed/demo.ts`, each by one line.
 */
import { DUTYFREE_EVENTS } from './events.ts';
import { DUTYFREE_PARAMETERS } from './parameters.ts';
import { dutyfreeRoutes } from './routes.ts';
import { scheduleDutyfree } from './scheduler.ts';
import { seedDutyfreeDemo } from './demo.ts';

export const dutyfreeModule = {
  name: 'dutyfree',
  routes: dutyfreeRoutes,
  schedules: [{ name: 'expiry every minute, missed departures daily at 00:15', start: scheduleDutyfree }],
  events: DUTYFREE_EVENTS,
  parameters: DUTYFREE_PARAMETERS,
  demo: seedDutyfreeDemo,
} as const;
