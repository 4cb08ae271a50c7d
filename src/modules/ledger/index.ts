/** Account books (电子账册) of the zero-tariff and processing enterprises: the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerLedgerCommands } from './cli.ts';
import { seedLedgerDemo } from './demo.ts';
import { LEDGER_PARAMETER_SEEDS, LEDGER_PARAMETERS } from './parameters.ts';
import { ledgerRoutes } from './routes.ts';
import { LEDGER_EVENTS } from './events.ts';
import { scheduleLedgerSweep } from './scheduler.ts';
import { LEDGER_MOVEMENT_PARTITIONS } from './service.ts';

export const ledgerModule: TidegateModule = {
  name: 'ledger',
  routes: [ledgerRoutes],
  cli: registerLedgerCommands,
  schedules: [{ name: 'expired reservations released periodically', start: (ctx) => scheduleLedgerSweep(ctx) }],
  partitioned: [LEDGER_MOVEMENT_PARTITIONS],
  parameters: { specs: LEDGER_PARAMETERS, seeds: LEDGER_PARAMETER_SEEDS },
  events: LEDGER_EVENTS,
  seedDemo: (ctx, world) => seedLedgerDemo(ctx, (key) => world.enterpriseId(key)),
  web: [{ path: '/ledger', nav: 'ledger.nav' }],
};
