/** A person's score and level on a date, with the records behind it and the parameter versions used. */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { getParameters } from '../../../platform/parameters/service.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { scoreOf, type Level, type PersonalCreditParameters, type PointsRule } from '../rules.ts';
import { personalCreditRecords } from '../schema.ts';
import { asRule, personHashOf, recordsOf, recordView, type RecordView } from './records.ts';

const NAMES = {
  base: 'personalCredit.base',
  bounds: 'personalCredit.bounds',
  points: 'personalCredit.points',
  levelThresholds: 'personalCredit.levelThresholds',
  reviewEverySaleLevels: 'personalCredit.reviewEverySaleLevels',
} as const;

export async function creditParameters(ex: Executor, asOf: string) {
  const found = await getParameters(ex, Object.values(NAMES), asOf);
  const v = <T>(name: string) => found.get(name)!.value as T;
  const params: PersonalCreditParameters = {
    base: v<number>(NAMES.base),
    bounds: v<{ min: number; max: number }>(NAMES.bounds),
    points: v<Record<string, PointsRule>>(NAMES.points),
    levelThresholds: v<{ A: number; B: number; C: number }>(NAMES.levelThresholds),
    reviewEverySaleLevels: v<Level[]>(NAMES.reviewEverySaleLevels),
  };
  const versions = Object.fromEntries([...found.values()].map((p) => [p.name, p.version]));
  return { params, versions };
}

export interface ScoreView {
  asOf: string;
  score: number;
  level: Level;
  base: number;
  reviewEverySale: boolean;
  clampedBy: number;
  nextChange: string | null;
  /** The records that count on asOf, each with the names of its code: what the person is told. */
  reasons: (RecordView & { zh: string; en: string })[];
  /** Every record, counting or not (lapsed, withdrawn, dated ahead): what an officer sees. */
  records?: RecordView[];
  parameterVersions: Record<string, number>;
}

/** The score of a person known by their keyed hash. */
export async function scoreOfPerson(
  ex: Executor,
  personHash: string,
  asOf: string,
  opts: { allRecords?: boolean } = {},
): Promise<ScoreView> {
  const [{ params, versions }, rows] = await Promise.all([creditParameters(ex, asOf), recordsOf(ex, personHash)]);
  const s = scoreOf(rows.map(asRule), asOf, params);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const reasons = s.reasons.map((r) => {
    const names = params.points[r.code];
    return { ...recordView(byId.get(r.recordId)!), zh: names?.zh ?? r.code, en: names?.en ?? r.code };
  });
  return {
    asOf,
    score: s.score,
    level: s.level,
    base: s.base,
    reviewEverySale: s.reviewEverySale,
    clampedBy: s.clampedBy,
    nextChange: s.nextChange,
    reasons,
    ...(opts.allRecords ? { records: rows.map(recordView) } : {}),
    parameterVersions: versions,
  };
}

export async function scoreByIdNumber(ctx: AppContext, q: { idType: string; idNumber: string; asOf?: string }) {
  const asOf = q.asOf ?? shanghaiDate(ctx.clock.now());
  return scoreOfPerson(ctx.db, personHashOf(ctx, q.idType, q.idNumber), asOf, { allRecords: true });
}

/**
 * Levels of many people at once (a nightly pass, a batch of sales): one read of their records.
 * People without records are at the base score.
 */
export async function levelsOf(ex: Executor, personHashes: readonly string[], asOf: string) {
  const { params } = await creditParameters(ex, asOf);
  const out = new Map<string, { score: number; level: Level; reviewEverySale: boolean }>();
  if (personHashes.length === 0) return out;
  const rows = await ex
    .select()
    .from(personalCreditRecords)
    .where(sql`${personalCreditRecords.personHash} ${anyOf(personHashes, 'text')}`);
  const byPerson = new Map<string, typeof rows>();
  for (const r of rows) byPerson.set(r.personHash, [...(byPerson.get(r.personHash) ?? []), r]);
  for (const h of personHashes) {
    const s = scoreOf((byPerson.get(h) ?? []).map(asRule), asOf, params);
    out.set(h, { score: s.score, level: s.level, reviewEverySale: s.reviewEverySale });
  }
  return out;
}

/** The points table in force, for people and pages to read the codes. */
export async function pointsTable(ex: Executor, asOf: string) {
  const { params, versions } = await creditParameters(ex, asOf);
  return {
    asOf,
    base: params.base,
    levelThresholds: params.levelThresholds,
    points: params.points,
    parameterVersions: versions,
  };
}
