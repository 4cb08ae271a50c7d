/** People log in with a password; machines call with an API key. */
export const USER_ROLES = [
  'admin',
  'risk_analyst',
  'inspector',
  'auditor',
  'command_viewer',
  'enterprise_user',
] as const;
export const CLIENT_ROLES = ['department', 'gate_device', 'dutyfree_shop'] as const;
export const ALL_ROLES = [...USER_ROLES, ...CLIENT_ROLES] as const;

export type UserRole = (typeof USER_ROLES)[number];
export type ClientRole = (typeof CLIENT_ROLES)[number];
export type Role = UserRole | ClientRole;

export const OFFICER_ROLES: Role[] = ['admin', 'risk_analyst', 'inspector', 'auditor', 'command_viewer'];

/** Roles whose work needs personal data in clear (identity checks at the port, audits). */
export const PERSONAL_DATA_ROLES: Role[] = ['admin', 'inspector', 'auditor'];

export interface Actor {
  kind: 'user' | 'client' | 'system';
  id: string;
  name: string;
  role: Role | 'system';
  /** enterprise_user only: the enterprise whose data it may see. */
  enterpriseId: string | null;
  scope?: Record<string, unknown>;
}

/** The audit chain names actors as `user:<name>`, `client:<name>`, `system:<what>`. */
export function actorLabel(actor: Actor): string {
  return `${actor.kind}:${actor.name}`;
}

export const systemActor = (what: string): Actor => ({
  kind: 'system',
  id: what,
  name: what,
  role: 'system',
  enterpriseId: null,
});

export function seesPersonalData(actor: Actor): boolean {
  return actor.role === 'system' || PERSONAL_DATA_ROLES.includes(actor.role);
}

/**
 * Whether the actor may see risk verdicts (level, score, action, fired features, model output,
 * random draw, the decision's parameter versions): customs officers only. A trader must never learn
 * why or whether it was selected; departments and devices are given none either (no client scope
 * grants it today).
 */
export function seesRiskVerdicts(actor: Actor): boolean {
  return actor.role === 'system' || OFFICER_ROLES.includes(actor.role);
}
