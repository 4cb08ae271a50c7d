/**
 * Personal credit scores (人员信用评价) in one object, the manifest of src/platform/module.ts: routes
 * and parameters. It has no schedule, consumer or events of its own: the duty-free module records
 * behaviours in it.
 */
import type { TidegateModule } from '../../platform/module.ts';
import { specsFromCheck } from '../../platform/parameters/definition.ts';
import { PERSONAL_CREDIT_PARAMETERS } from './parameters.ts';
import { personalCreditRoutes } from './routes.ts';
import { personalCreditParameterViolations } from './rules.ts';

export const personalCreditModule: TidegateModule = {
  name: 'personalcredit',
  routes: [personalCreditRoutes],
  parameters: {
    specs: specsFromCheck(PERSONAL_CREDIT_PARAMETERS, personalCreditParameterViolations),
    seeds: PERSONAL_CREDIT_PARAMETERS,
  },
};
