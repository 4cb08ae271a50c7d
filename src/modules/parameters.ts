/**
 * Every policy parameter Tidegate knows: its schema from the module that owns it, its seeds from
 * src/platform/parameters/defaults.ts. src/main.ts hands the list to the parameters service at
 * start-up, which refuses to start when a seed breaks its schema or has none.
 *
 * Adding a module's parameters is one line in PARAMETER_SPECS: its specs, or, for a module that
 * checks its values with a function `(name, value) => violations | null`, `specsFromCheck(seeds, check)`.
 */
import { DEFAULT_PARAMETERS } from '../platform/parameters/defaults.ts';
import { defineParameters, specsFromCheck, type ParameterSpecs } from '../platform/parameters/definition.ts';
import { SUBJECTS_PARAMETERS } from './subjects/parameters.ts';
import { CREDIT_PARAMETERS } from './credit/parameters.ts';
import { LEDGER_PARAMETERS } from './ledger/parameters.ts';
import { GATE_PARAMETERS } from './gate/parameters.ts';
import { TAX_PARAMETERS } from './tax/parameters.ts';
import { DECLARATIONS_PARAMETERS } from './declarations/parameters.ts';
import { RISK_PARAMETERS } from './risk/parameters.ts';
import { DUTYFREE_PARAMETERS } from './dutyfree/parameters.ts';
import { dutyfreeParameterViolations } from './dutyfree/rules.ts';
import { PERSONAL_CREDIT_PARAMETERS } from './personalcredit/parameters.ts';
import { personalCreditParameterViolations } from './personalcredit/rules.ts';
import { RING_PARAMETERS, ringParameterCheck } from './dutyfree/rings/parameters.ts';
import { TARIFF_PARAMETERS } from './tariff/parameters.ts';

export const PARAMETER_SPECS: ParameterSpecs = {
  ...SUBJECTS_PARAMETERS,
  ...CREDIT_PARAMETERS,
  ...LEDGER_PARAMETERS,
  ...GATE_PARAMETERS,
  ...TAX_PARAMETERS,
  ...DECLARATIONS_PARAMETERS,
  ...RISK_PARAMETERS,
  ...specsFromCheck(DUTYFREE_PARAMETERS, dutyfreeParameterViolations),
  ...specsFromCheck(PERSONAL_CREDIT_PARAMETERS, personalCreditParameterViolations),
  ...specsFromCheck(RING_PARAMETERS, ringParameterCheck),
  ...TARIFF_PARAMETERS,
};

export const PARAMETER_DEFINITIONS = defineParameters(PARAMETER_SPECS, DEFAULT_PARAMETERS);
