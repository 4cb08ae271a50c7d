/** The command centre (指挥中心): live figures over every module's events; the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerCommandCommands } from './cli.ts';
import { commandRoutes } from './routes.ts';
import { ROLLUP_STREAMS, subscribeRollups } from './service.ts';

export const commandModule: TidegateModule = {
  name: 'command',
  routes: [commandRoutes],
  cli: registerCommandCommands,
  subscribers: [
    { name: 'command rollups', events: ROLLUP_STREAMS.flatMap((s) => s.eventTypes), subscribe: subscribeRollups },
  ],
  web: [{ path: '/command', nav: 'nav.command', officerOnly: true }],
};
