/**
 * Personal credit scores (人员信用评价) in one object, the shape of issue 16: routes (one line in
 * `platform/plugins.ts`) and parameters (spread into the platform defaults). It has no schedule,
 * consumer or events of its own: the duty-free module records behaviours in it.
 */
import { PERSONAL_CREDIT_PARAMETERS } from './parameters.ts';
import { personalCreditRoutes } from './routes.ts';

export const personalCreditModule = {
  name: 'personalcredit',
  routes: personalCreditRoutes,
  parameters: PERSONAL_CREDIT_PARAMETERS,
} as const;
