import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import { fixedClock } from '../../../kernel/clock.ts';
import { createEnterprise, findEnterpriseByUscc, grantQualification } from '../../subjects/service.ts';
import { recordInput } from '../../credit/service.ts';
import { assessDeclarations, createAssessMemo, recordOutcomes, type RiskDecision } from '../service.ts';
import { Rng } from '../../../kernel/random.ts';
import { buildPopulation, type SimTrader } from './traders.ts';
import { traderDay, type SimDeclaration, type Truth } from './traffic.ts';

/**
 * The risk simulator: registers a population of traders (with their qualifications and credit
 * histories), then files their declarations day after day through `assessDeclaration`, and for
 * every declaration selected for inspection reports what an officer would find through
 * `recordOutcome`. Seeded: the same seed, days and traders give the same traffic.
 */
export interface RiskSimOptions {
  seed: number;
  /** First simulated business day (YYYY-MM-DD, Asia/Shanghai). */
  startDate: string;
  days: number;
  traders: number;
  /** Inspections find a planted fraud with this probability. */
  detectionRate?: number;
  /** Share of released declarations audited after clearance (稽核查), which also labels them. */
  auditRate?: number;
  onDeclaration?: (done: number) => void;
  /** Called after each simulated day, with the simulation's context (its clock at the end of that day). */
  onDay?: (day: number, date: string, ctx: AppContext) => Promise<void>;
}

export interface RiskSimResult {
  seed: number;
  traders: number;
  declarations: number;
  frauds: number;
  selected: number;
  outcomes: number;
  caught: number;
  fraudsSelected: number;
  byLevel: Record<string, { declarations: number; frauds: number; selected: number }>;
  revenueEvaded: number;
  revenueRecovered: number;
}

const HOUR = 3600_000;
/** 全岛封关运作: the first day the platform's parameters are in force. */
const CLOSURE = '2025-12-18';
const actor = systemActor('risk-simulator');

function midnightUtc(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - 8 * HOUR;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Registers a trader as it would have been: qualifications and credit history dated before it trades. */
async function register(ctx: AppContext, t: SimTrader, since: string): Promise<string> {
  const existing = await findEnterpriseByUscc(ctx.db, t.uscc);
  if (existing) return existing.id;
  const e = await createEnterprise(ctx, actor, {
    uscc: t.uscc,
    name: t.name,
    registeredInHainan: t.registeredInHainan,
    legalForm: t.legalForm,
    industry: t.role,
    encouragedIndustry: t.role === 'PROCESSOR',
  });
  for (const kind of t.qualifications) {
    if (t.legalForm !== 'INDEPENDENT_LEGAL_PERSON') continue;
    await grantQualification(ctx, actor, t.uscc, {
      kind,
      goodsCategory: kind === 'ZERO_TARIFF_BENEFICIARY' ? 'RAW_AND_AUXILIARY_MATERIALS' : '',
      validFrom: since,
      validTo: null,
    });
  }
  if (t.credit === 'AEO')
    await recordInput(ctx, actor, {
      subjectKind: 'ENTERPRISE',
      subject: t.uscc,
      source: 'customs',
      effectiveDate: since,
      input: { type: 'AEO', action: 'GRANTED' },
      reference: '模拟AEO认证',
    });
  if (t.credit === 'FOCUS')
    await recordInput(ctx, actor, {
      subjectKind: 'ENTERPRISE',
      subject: t.uscc,
      source: 'anti_smuggling',
      effectiveDate: since,
      input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
      reference: '模拟行政处罚',
    });
  return e.id;
}

function inspectionFinds(rng: Rng, truth: Truth, detectionRate: number) {
  if (!truth.fraud || !rng.chance(detectionRate)) return { outcome: 'MATCH' as const };
  const lines = truth.corrections.map((c) => ({ ...c }));
  return {
    outcome: truth.seizure ? ('SEIZURE' as const) : ('DISCREPANCY' as const),
    ...(lines.length ? { correctedValues: { lines } } : {}),
    revenueRecovered: truth.revenue,
  };
}

/** A day's declarations by six-hour session of filing (night, morning, afternoon, evening), in order. */
function sessions(ds: SimDeclaration[]): SimDeclaration[][] {
  const slots = new Map<number, SimDeclaration[]>();
  for (const d of ds) {
    const h = Math.floor((d.at.getTime() + 8 * HOUR) / (6 * HOUR));
    slots.set(h, [...(slots.get(h) ?? []), d]);
  }
  return [...slots.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
}

export async function runRiskSimulation(base: AppContext, opts: RiskSimOptions): Promise<RiskSimResult> {
  // Traders existing at the start registered half a year earlier, but not before the closure the
  // policy parameters start at.
  const since = [addDays(opts.startDate, -180), CLOSURE].sort()[1]!;
  const clock = fixedClock(new Date(midnightUtc(since) + 9 * HOUR));
  const ctx: AppContext = { ...base, clock };
  const population = buildPopulation({ seed: opts.seed, traders: opts.traders, days: opts.days });
  const ids = new Map<number, string>();
  for (const t of population) if (t.appearsOn === 0) ids.set(t.index, await register(ctx, t, since));

  // Nobody's class or qualification changes during a run: declarant facts are asked once per trader.
  const memo = createAssessMemo({ acrossDays: true });
  const detection = opts.detectionRate ?? 0.9;
  const auditRate = opts.auditRate ?? 0.05;
  const result: RiskSimResult = {
    seed: opts.seed,
    traders: population.length,
    declarations: 0,
    frauds: 0,
    selected: 0,
    outcomes: 0,
    caught: 0,
    fraudsSelected: 0,
    byLevel: {},
    revenueEvaded: 0,
    revenueRecovered: 0,
  };
  const rng = new Rng(opts.seed);
  for (let day = 0; day < opts.days; day++) {
    const date = addDays(opts.startDate, day);
    const c = { rng: new Rng(opts.seed * 1009 + day), day, date, midnightUtc: midnightUtc(date) };
    for (const t of population) {
      if (t.appearsOn === day && t.appearsOn > 0 && !ids.has(t.index)) {
        clock.set(new Date(c.midnightUtc + 7 * HOUR));
        ids.set(t.index, await register(ctx, t, date));
      }
    }
    const todays: SimDeclaration[] = population
      .flatMap((t) => traderDay(t, c))
      .filter((d) => ids.has(d.trader.index))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    // Declarations are filed in batches per session (one transaction each); inspections and audits report at the end of
    // the day.
    const findings: { declarationId: string; found: ReturnType<typeof inspectionFinds>; by: string }[] = [];
    for (const slot of sessions(todays)) {
      clock.set(slot[slot.length - 1]!.at);
      const decisions: RiskDecision[] = await runCommand(ctx, 'risk.assess', (tx) =>
        assessDeclarations(
          tx,
          ctx,
          slot.map((d) => ({ ...d.input, enterpriseId: ids.get(d.trader.index)! })),
          { memo },
        ),
      );
      decisions.forEach((decision, i) => {
        const d = slot[i]!;
        result.declarations++;
        const lvl = (result.byLevel[decision.level] ??= { declarations: 0, frauds: 0, selected: 0 });
        lvl.declarations++;
        if (d.truth.fraud) {
          result.frauds++;
          lvl.frauds++;
          result.revenueEvaded += Number(d.truth.revenue);
        }
        if (decision.selected) {
          result.selected++;
          lvl.selected++;
          if (d.truth.fraud) result.fraudsSelected++;
        }
        if (decision.selected || rng.chance(auditRate)) {
          const found = inspectionFinds(rng, d.truth, detection);
          findings.push({
            declarationId: d.input.declarationId,
            found,
            by: decision.selected ? 'system:simulated-inspection' : 'system:simulated-audit',
          });
          result.outcomes++;
          if (found.outcome !== 'MATCH') {
            result.caught++;
            result.revenueRecovered += Number(found.revenueRecovered ?? 0);
          }
        }
      });
      opts.onDeclaration?.(result.declarations);
    }
    clock.set(new Date(c.midnightUtc + 22 * HOUR));
    for (const by of ['system:simulated-inspection', 'system:simulated-audit']) {
      const batch = findings.filter((f) => f.by === by);
      if (batch.length)
        await runCommand(ctx, 'risk.outcome', (tx) =>
          recordOutcomes(
            tx,
            ctx,
            batch.map((f) => ({ declarationId: f.declarationId, ...f.found })),
            by,
          ),
        );
    }
    clock.set(new Date(c.midnightUtc + 23 * HOUR));
    await opts.onDay?.(day, date, ctx);
  }
  return result;
}
