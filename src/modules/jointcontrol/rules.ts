/**
 * Joint control of RED declarations (联合监管): which departments a case goes to, and the state
 * machine of a case and of each department's share of it. Pure: values in, values out, no clock
 * (times come in as arguments), no database.
 */
import type { Violation } from '../../kernel/violation.ts';

/** A department's part of a case: it reads it (OPEN), acknowledges it, then reports what it did. */
export const SHARE_STATES = ['OPEN', 'ACKNOWLEDGED', 'OUTCOME_REPORTED'] as const;
export type ShareState = (typeof SHARE_STATES)[number];

/**
 * A case as officers follow it: where the slowest department is (OPEN until every department has
 * acknowledged, ACKNOWLEDGED until every one has reported), or CLOSED by an officer.
 */
export const CASE_STATES = ['OPEN', 'ACKNOWLEDGED', 'OUTCOME_REPORTED', 'CLOSED'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** What a department found and did (处置结果). */
export const OUTCOMES = [
  'NO_FINDING', // 未发现违法
  'WARNING', // 约谈、警示
  'ADMINISTRATIVE_PENALTY', // 行政处罚
  'CRIMINAL_CASE_FILED', // 刑事立案
  'TRANSFERRED', // 移交其他机关
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type Command = 'acknowledge' | 'reportOutcome' | 'close';

export const TRANSITION_RULE = 'jointControl.transition';
export const NOT_SHARED_RULE = 'jointControl.notShared';

/** Where each command may start, and where it leads; anything else is refused naming TRANSITION_RULE. */
const SHARE_MOVES: Record<Exclude<Command, 'close'>, { from: ShareState; to: ShareState }> = {
  acknowledge: { from: 'OPEN', to: 'ACKNOWLEDGED' },
  reportOutcome: { from: 'ACKNOWLEDGED', to: 'OUTCOME_REPORTED' },
};

export type Transition<S> = { ok: true; next: S } | { ok: false; violation: Violation };

/** A department's command on its share of a case in `caseState`. */
export function shareTransition(
  caseState: CaseState,
  share: ShareState,
  command: Exclude<Command, 'close'>,
): Transition<ShareState> {
  if (caseState === 'CLOSED') {
    return refuse(`The case is closed; it takes no ${command} any more.`);
  }
  const move = SHARE_MOVES[command];
  if (share !== move.from) {
    const hint = command === 'reportOutcome' && share === 'OPEN' ? ' Acknowledge the case first.' : '';
    return refuse(`A share in state ${share} cannot ${command}; only one in state ${move.from} can.${hint}`);
  }
  return { ok: true, next: move.to };
}

/** An officer closes a case from any state but CLOSED. */
export function closeTransition(caseState: CaseState): Transition<CaseState> {
  if (caseState === 'CLOSED') return refuse('The case is already closed.');
  return { ok: true, next: 'CLOSED' };
}

function refuse<S>(message: string): Transition<S> {
  return { ok: false, violation: { rule: TRANSITION_RULE, message } };
}

const RANK: Record<ShareState, number> = { OPEN: 0, ACKNOWLEDGED: 1, OUTCOME_REPORTED: 2 };

/** The case state from its shares: the least advanced share, or CLOSED. A case shared with no one stays OPEN. */
export function caseStateOf(shares: readonly ShareState[], closed: boolean): CaseState {
  if (closed) return 'CLOSED';
  if (shares.length === 0) return 'OPEN';
  return shares.reduce((a, b) => (RANK[b] < RANK[a] ? b : a));
}

/** The policy parameter jointControl.recipients: which departments receive which cases. */
export interface RecipientRule {
  /** The department code a client's scope names (`{ "department": "police" }`). */
  department: string;
  /** Declaration kinds whose RED cases it receives; absent: every kind. */
  kinds?: readonly string[];
  /** HS chapters (2 digits) it receives cases for, when a line's code is in one; absent: all goods. */
  hsChapters?: readonly string[];
  /** Second-line and first-line ports whose cases it receives; absent: every port. */
  ports?: readonly string[];
}
export interface RecipientPolicy {
  recipients: readonly RecipientRule[];
}

export interface CaseFacts {
  kind: string;
  port: string;
  hsCodes: readonly string[];
}

/** The departments a case goes to under the policy in force, each once, in the policy's order. */
export function recipientsFor(policy: RecipientPolicy, facts: CaseFacts): string[] {
  const out: string[] = [];
  for (const r of policy.recipients) {
    if (out.includes(r.department)) continue;
    if (r.kinds && !r.kinds.includes(facts.kind)) continue;
    if (r.ports && !r.ports.includes(facts.port)) continue;
    if (r.hsChapters && !facts.hsCodes.some((c) => r.hsChapters!.includes(c.slice(0, 2)))) continue;
    out.push(r.department);
  }
  return out;
}
