/** First-line declarations (一线进出境申报): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { seedFirstLineDemo } from './demo.ts';
import { FIRST_LINE_EVENTS } from './events.ts';
import { firstLineRoutes } from './routes.ts';

export const firstLineModule: TidegateModule = {
  name: 'firstline',
  routes: [firstLineRoutes],
  events: FIRST_LINE_EVENTS,
  seedDemo: (ctx, world) => seedFirstLineDemo(ctx, (key) => world.enterpriseId(key)),
};
