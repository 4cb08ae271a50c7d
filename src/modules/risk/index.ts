/** Risk management (风险管理): the module's manifest. */
import type { TidegateModule } from '../../platform/module.ts';
import { registerRiskBenchmarkCommand } from './benchmark/command.ts';
import { registerRiskCommands } from './cli.ts';
import { seedRiskDemo } from './demo.ts';
import { RISK_PARAMETER_SEEDS, RISK_PARAMETERS } from './parameters.ts';
import { riskRoutes } from './routes.ts';
import { RISK_EVENTS } from './events.ts';
import { scheduleRetrain } from './scheduler.ts';

export const riskModule: TidegateModule = {
  name: 'risk',
  routes: [riskRoutes],
  cli: (program, open) => {
    const risk = program
      .command('risk')
      .description('Risk management (风险管理): features, simulation, models, backtests and benchmarks');
    registerRiskBenchmarkCommand(risk);
    registerRiskCommands(risk, open);
  },
  schedules: [{ name: 'model retraining when due (risk.retrain)', start: scheduleRetrain }],
  parameters: { specs: RISK_PARAMETERS, seeds: RISK_PARAMETER_SEEDS },
  events: RISK_EVENTS,
  seedDemo: (ctx) => seedRiskDemo(ctx),
  web: [
    { path: '/risk', nav: 'risk.nav', officerOnly: true },
    { path: '/workbench', nav: 'nav.workbench', officerOnly: true },
  ],
};
