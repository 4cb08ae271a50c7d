import { seesRiskVerdicts, type Actor } from '../../platform/auth/roles.ts';

/**
 * What each reader of a declaration is told. Officers see the risk verdict (level, score, action,
 * fired features, model output, draw, parameter versions) and the reasons as recorded. Anyone else —
 * the declarant above all — sees the state (HELD, 待查验) and nothing about the selection: no
 * `risk` field, and a state reason that does not say why or by what the goods were selected.
 *
 * Every route of the module passes what it answers through `forReader`, so the projection is made
 * on the wire, whatever the page that shows it.
 */

/** The declarant's words for the transitions whose recorded reason speaks of the selection. */
const DECLARANT_REASONS: Record<string, string> = {
  'declarations.heldForInspection': 'Held for inspection (待查验): customs inspect the goods before they may leave.',
  'declarations.selectionInherited': 'Held for inspection (待查验): customs inspect the goods before they may leave.',
  'declarations.acceptedByRisk': 'Accepted.',
  'declarations.centralized.accepted': 'Accepted; taxes billed once for the month.',
};

/** The same, by state, for a row's current reason (the row does not keep the rule of its last transition). */
const STATE_REASONS: Record<string, string> = {
  HELD: DECLARANT_REASONS['declarations.heldForInspection']!,
  ACCEPTED: 'Accepted.',
};

/**
 * Reasons written before verdicts were kept out of them ("Risk BLUE, RELEASE: accepted.",
 * "Selected for inspection by the risk engine (RED; …)"): still in older rows.
 */
const VERDICT_TEXT = /risk engine|\brisk (red|yellow|blue)\b/i;

interface WithState {
  state: string;
  stateReason: string;
  risk?: unknown;
}

interface TransitionLike {
  to: string;
  reason: string;
  rule: string;
}

function declarantStateReason(state: string, reason: string): string {
  if (state === 'HELD') return STATE_REASONS.HELD!;
  return VERDICT_TEXT.test(reason) ? (STATE_REASONS[state] ?? `${state}.`) : reason;
}

function declarantTransition<T extends TransitionLike>(t: T): T {
  const recorded = VERDICT_TEXT.test(t.reason) ? (STATE_REASONS[t.to] ?? `${t.to}.`) : t.reason;
  return { ...t, reason: DECLARANT_REASONS[t.rule] ?? recorded };
}

/** A declaration (row view, list item or detail) as a reader without risk rights may see it. */
function withoutVerdict<T extends WithState & { transitions?: TransitionLike[] }>(d: T): Omit<T, 'risk'> {
  const { risk: _risk, ...rest } = d;
  const out = { ...rest, stateReason: declarantStateReason(d.state, d.stateReason) } as Omit<T, 'risk'>;
  if (d.transitions) (out as { transitions?: TransitionLike[] }).transitions = d.transitions.map(declarantTransition);
  return out;
}

export interface DeclarationProjection {
  one<T extends WithState & { transitions?: TransitionLike[] }>(d: T): T | Omit<T, 'risk'>;
  month<T extends { batches: WithState[]; centralized: WithState | null }>(m: T): T;
  list<T extends { items: WithState[] }>(l: T): T;
}

const officers: DeclarationProjection = { one: (d) => d, month: (m) => m, list: (l) => l };

const declarants: DeclarationProjection = {
  one: withoutVerdict,
  month: (m) => ({
    ...m,
    batches: m.batches.map(withoutVerdict),
    centralized: m.centralized && withoutVerdict(m.centralized),
  }),
  list: (l) => ({ ...l, items: l.items.map(withoutVerdict) }),
};

/** The projection for the reader of a response. */
export function forReader(actor: Actor): DeclarationProjection {
  return seesRiskVerdicts(actor) ? officers : declarants;
}
