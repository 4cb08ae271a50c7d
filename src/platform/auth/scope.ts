import { problems } from '../../kernel/problem.ts';
import type { Actor } from './roles.ts';

/**
 * An enterprise user sees only its own enterprise. Another enterprise's data answers 404, as if it
 * did not exist, so an enterprise cannot even learn which codes are registered.
 */
export function assertEnterpriseVisible(actor: Actor, enterpriseId: string, what: string): void {
  if (actor.role === 'enterprise_user' && actor.enterpriseId !== enterpriseId) throw problems.notFound(what);
}

/** The enterprise a query must be narrowed to, or null when the actor may see all. */
export function enterpriseFilter(actor: Actor): string | null {
  return actor.role === 'enterprise_user' ? (actor.enterpriseId ?? '00000000-0000-0000-0000-000000000000') : null;
}
