/**
 * Subjects (市场主体): enterprises, individuals and their qualifications. The module's manifest, and
 * the port the platform's login routes use to name a user's enterprise (see src/platform/auth/routes.ts).
 */
import type { TidegateModule } from '../../platform/module.ts';
import type { EnterpriseDirectory } from '../../platform/auth/routes.ts';
import { SUBJECTS_EVENTS } from './events.ts';
import { SUBJECTS_PARAMETER_SEEDS, SUBJECTS_PARAMETERS } from './parameters.ts';
import { subjectsRoutes } from './routes.ts';
import { enterpriseView, findEnterpriseById, findEnterpriseByUscc } from './service.ts';

export const subjectsModule: TidegateModule = {
  name: 'subjects',
  routes: [subjectsRoutes],
  events: SUBJECTS_EVENTS,
  parameters: { specs: SUBJECTS_PARAMETERS, seeds: SUBJECTS_PARAMETER_SEEDS },
  web: [{ path: '/portal', nav: 'nav.portal' }],
};

/** Enterprises as the platform's auth routes see them. */
export const enterpriseDirectory: EnterpriseDirectory = {
  async viewById(ex, id) {
    const row = await findEnterpriseById(ex, id);
    return row ? enterpriseView(row) : null;
  },
  async idByUscc(ex, uscc) {
    return (await findEnterpriseByUscc(ex, uscc))?.id ?? null;
  },
};
