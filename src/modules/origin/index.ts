/** Certificates of origin and preferential rates (原产地与优惠税率): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { seedOriginDemo } from './demo.ts';
import { ORIGIN_EVENTS } from './events.ts';
import { originRoutes } from './routes.ts';

export const originModule: TidegateModule = {
  name: 'origin',
  routes: [originRoutes],
  events: ORIGIN_EVENTS,
  seedDemo: (ctx, world) => seedOriginDemo(ctx, (key) => world.uscc(key)),
};
