/**
 * Every policy parameter Tidegate knows, composed from the modules' manifests (src/modules/index.ts):
 * each module's schemas and seeds. src/main.ts hands the list to the parameters service at start-up,
 * which refuses to start when a seed breaks its schema or has none.
 */
import { defineParameters, type ParameterSeed, type ParameterSpecs } from '../platform/parameters/definition.ts';
import { MODULES } from './index.ts';

export const PARAMETER_SPECS: ParameterSpecs = Object.assign({}, ...MODULES.map((m) => m.parameters?.specs ?? {}));

/** Every module's first seeds, in the order of the module list. */
export const DEFAULT_PARAMETERS: readonly ParameterSeed[] = MODULES.flatMap((m) => m.parameters?.seeds ?? []);

export const PARAMETER_DEFINITIONS = defineParameters(PARAMETER_SPECS, DEFAULT_PARAMETERS);
