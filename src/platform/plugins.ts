import type { ApiPlugin } from './http/server.ts';
import { authRoutes } from './auth/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { parameterRoutes } from './parameters/routes.ts';
import { subjectsRoutes } from '../modules/subjects/routes.ts';
import { creditRoutes } from '../modules/credit/routes.ts';
import { calcRoutes } from '../modules/tax/routes.ts';
import { sharingRoutes } from '../modules/sharing/routes.ts';
import { riskRoutes } from '../modules/risk/routes.ts';
import { declarationsRoutes } from '../modules/declarations/routes.ts';
import { ledgerRoutes } from '../modules/ledger/routes.ts';
import { gateRoutes } from '../modules/gate/routes.ts';
import { commandRoutes } from '../modules/command/routes.ts';
import { permissionRoutes } from './auth/permissions.ts';
import { clientRoutes } from './auth/clients.ts';
import { dutyfreeRoutes } from '../modules/dutyfree/routes.ts';
import { personalCreditRoutes } from '../modules/personalcredit/routes.ts';
import { ringRoutes } from '../modules/dutyfree/rings/routes.ts';
import { tariffRoutes } from '../modules/tariff/routes.ts';

/** Every API plugin, in one list: adding a module means adding it here. */
export const API_PLUGINS: ApiPlugin[] = [
  authRoutes,
  auditRoutes,
  parameterRoutes,
  subjectsRoutes,
  creditRoutes,
  calcRoutes,
  sharingRoutes,
  riskRoutes,
  ledgerRoutes,
  gateRoutes,
  declarationsRoutes,
  commandRoutes,
  permissionRoutes,
  clientRoutes,
  dutyfreeRoutes,
  personalCreditRoutes,
  ringRoutes,
  tariffRoutes,
];
