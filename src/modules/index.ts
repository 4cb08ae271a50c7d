/**
 * Every module, in one list: adding a module is one line here (docs/modules.md). The order is the
 * order of their routes, schedules, consumers, parameter seeds and demo data (a module's demo may use
 * the demo data of the modules above it: declarations' uses the books and the gates).
 */
import { defineModules, type TidegateModule } from '../platform/module.ts';
import type { PlatformPorts } from '../platform/api.ts';
import { subjectsModule, enterpriseDirectory } from './subjects/index.ts';
import { creditModule } from './credit/index.ts';
import { riskModule } from './risk/index.ts';
import { taxModule } from './tax/index.ts';
import { sharingModule } from './sharing/index.ts';
import { ledgerModule } from './ledger/index.ts';
import { gateModule } from './gate/index.ts';
import { declarationsModule } from './declarations/index.ts';
import { commandModule } from './command/index.ts';
import { dutyfreeModule } from './dutyfree/index.ts';
import { personalCreditModule } from './personalcredit/index.ts';
import { ringsModule } from './dutyfree/rings/index.ts';
import { tariffModule } from './tariff/index.ts';
import { jointControlModule } from './jointcontrol/index.ts';
import { licenceModule } from './licence/index.ts';
import { originModule } from './origin/index.ts';
import { firstLineModule } from './firstline/index.ts';
import { paymentsModule } from './payments/index.ts';
import { valueAddedModule } from './valueadded/index.ts';

export const MODULES: readonly TidegateModule[] = defineModules([
  subjectsModule,
  creditModule,
  riskModule,
  taxModule,
  sharingModule,
  ledgerModule,
  gateModule,
  declarationsModule,
  commandModule,
  dutyfreeModule,
  personalCreditModule,
  ringsModule,
  tariffModule,
  licenceModule,
  originModule,
  firstLineModule,
  jointControlModule,
  paymentsModule,
  valueAddedModule,
]);

/** What the platform asks of the modules (ports it defines), implemented by them. */
export const PLATFORM_PORTS: PlatformPorts = { enterprises: enterpriseDirectory };
