/** The command centre (指挥中心): live figures over every module's events; the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { commandRoutes } from './routes.ts';

export const commandModule: TidegateModule = {
  name: 'command',
  routes: [commandRoutes],
  web: [{ path: '/command', nav: 'nav.command', officerOnly: true }],
};
