/** Prohibited and restricted goods, licences (禁限目录与许可证件): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerLicenceCommands } from './cli.ts';
import { seedLicenceDemo } from './demo.ts';
import { LICENCE_EVENTS } from './events.ts';
import { licenceRoutes } from './routes.ts';

export const licenceModule: TidegateModule = {
  name: 'licence',
  routes: [licenceRoutes],
  cli: registerLicenceCommands,
  events: LICENCE_EVENTS,
  seedDemo: (ctx, world) => seedLicenceDemo(ctx, (key) => world.uscc(key)),
};
