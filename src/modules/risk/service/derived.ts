import { sql } from 'drizzle-orm';
import { createHmac } from 'node:crypto';
import type { Executor } from '../../../platform/db/client.ts';
import { eager, pgArray, queryRows, recordset, together } from '../../../platform/db/client.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import {
  priceKey,
  routeKey,
  weightKey,
  type FactContext,
  type OutcomeCounts,
  type PartyStats,
  type TraderProfile,
} from '../facts.ts';
import type { AssessmentInput } from '../input.ts';
import { decayed, daysBetween, type Moments } from '../stats.ts';
import {
  riskCapacityUsage,
  riskOutcomeStats,
  riskPartyTraders,
  riskReferenceStats,
  riskTraderProfiles,
} from '../schema.ts';

/**
 * The derived facts (参考价格分布、企业历史、航线与关联方统计) of one batch of declarations or
 * outcomes: loaded once, updated in memory as each item is processed (so the second declaration of
 * a batch sees the first, exactly as if they had come one by one), and written back as increments
 * in a few statements. Rows are locked in one order everywhere — trader profiles, capacity,
 * party links, then the counters — so concurrent batches queue instead of deadlocking.
 */

export interface PartyKeys {
  seller: string | null;
  buyer: string | null;
}

/** A party's name reduced to a keyed hash: links traders without keeping a second copy of names. */
export function partyKey(key: Uint8Array, name: string): string {
  return createHmac('sha256', key)
    .update(name.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase())
    .digest('base64url')
    .slice(0, 32);
}

export function partyKeysOf(key: Uint8Array, input: Pick<AssessmentInput, 'parties'>): PartyKeys {
  return {
    seller: input.parties?.seller ? partyKey(key, input.parties.seller) : null,
    buyer: input.parties?.buyer ? partyKey(key, input.parties.buyer) : null,
  };
}

export interface ReferenceDelta {
  kind: 'PRICE' | 'WEIGHT';
  hs6: string;
  origin: string;
  unit: string;
  n: number;
  sum: number;
  sumSq: number;
}

/** What one line adds to (sign 1) or takes from (sign -1) the references. */
export function lineReferenceDeltas(
  line: {
    hsCode: string;
    originCountry: string;
    unit: string;
    quantity: string;
    valueCny: string;
    netWeightKg: string;
  },
  sign: 1 | -1,
): ReferenceDelta[] {
  const hs6 = line.hsCode.slice(0, 6);
  const qty = Number(line.quantity);
  const out: ReferenceDelta[] = [];
  const price = Number(line.valueCny) / qty;
  if (price > 0) {
    const l = Math.log(price);
    for (const origin of [line.originCountry, '*'])
      out.push({ kind: 'PRICE', hs6, origin, unit: line.unit, n: sign, sum: sign * l, sumSq: sign * l * l });
  }
  const w = Number(line.netWeightKg) / qty;
  if (w > 0) {
    const l = Math.log(w);
    out.push({ kind: 'WEIGHT', hs6, origin: '-', unit: line.unit, n: sign, sum: sign * l, sumSq: sign * l * l });
  }
  return out;
}

interface PartyStatsRow extends OutcomeCounts {
  traders: number;
  violationTraders: number;
}

type StatKey = string; // `${kind}|${key}`
type LinkKey = string; // `${kind}|${partyKey}|${enterpriseId}`

const EMPTY_PROFILE = (asOf: string): TraderProfile => ({
  declarations: 0,
  firstOn: asOf,
  lastOn: asOf,
  logValue: { n: 0, sum: 0, sumSq: 0 },
  chapters: {},
  origins: {},
  ports: {},
  recentActivity: 0,
  inspected: 0,
  violations: 0,
  seizures: 0,
  lastViolationOn: null,
  cancellations: 0,
  selectedNotInspected: 0,
});

const sorted = <T>(xs: Iterable<T>) => [...xs].sort();

const PROFILE_COLUMNS =
  'enterprise_id uuid, declarations int, first_on date, last_on date, log_value_n int, ' +
  'log_value_sum double precision, log_value_sum_sq double precision, chapters jsonb, origins jsonb, ports jsonb, ' +
  'recent_activity double precision, inspected int, violations int, seizures int, last_violation_on date';

function statKeysOf(input: AssessmentInput, parties: PartyKeys): StatKey[] {
  const keys = input.lines.map((l) => `ORIGIN|${l.originCountry}`);
  keys.push(`ROUTE|${routeKey(input.port, input.route?.origin ?? '')}`);
  if (parties.seller) keys.push(`SELLER|${parties.seller}`);
  if (parties.buyer) keys.push(`BUYER|${parties.buyer}`);
  return keys;
}

function linkKeysOf(enterpriseId: string, parties: PartyKeys): LinkKey[] {
  const out: LinkKey[] = [];
  if (parties.seller) out.push(`SELLER|${parties.seller}|${enterpriseId}`);
  if (parties.buyer) out.push(`BUYER|${parties.buyer}|${enterpriseId}`);
  return out;
}

export interface BatchItem {
  enterpriseId: string;
  input: AssessmentInput;
  parties: PartyKeys;
}

/** The no-op upsert takes each port's row lock for the day and returns the row, new or not. */
function lockCapacity(tx: Executor, ports: readonly string[], asOf: string) {
  return tx
    .insert(riskCapacityUsage)
    .values(ports.map((port) => ({ port, day: asOf, used: 0 })))
    .onConflictDoUpdate({
      target: [riskCapacityUsage.port, riskCapacityUsage.day],
      set: { used: sql`${riskCapacityUsage.used}` },
    })
    .returning();
}

export class DerivedState {
  private readonly profiles = new Map<string, TraderProfile>();
  private readonly prices = new Map<string, Moments>();
  private readonly weights = new Map<string, Moments>();
  private readonly stats = new Map<StatKey, PartyStatsRow>();
  private readonly links = new Map<LinkKey, { declarations: number; violated: boolean }>();
  private readonly capacity = new Map<string, { used: number; changed: boolean }>();
  private readonly refDeltas = new Map<string, ReferenceDelta>();
  private readonly statDeltas = new Map<StatKey, PartyStatsRow>();
  private readonly linkDeltas = new Map<LinkKey, { declarations: number; violated: boolean }>();
  private readonly dirtyProfiles = new Set<string>();

  private constructor(private readonly asOf: string) {}

  /** Loads and locks what a batch touches: trader profiles, capacity rows, references, counters, links. */
  static async load(
    tx: Executor,
    items: BatchItem[],
    asOf: string,
    capacityPorts: string[] = [],
  ): Promise<DerivedState> {
    const s = new DerivedState(asOf);
    const enterprises = sorted(new Set(items.map((i) => i.enterpriseId)));
    const ports = sorted(new Set(capacityPorts));
    const linkKeys = sorted(new Set(items.flatMap((i) => linkKeysOf(i.enterpriseId, i.parties))));
    const hs6 = sorted(new Set(items.flatMap((i) => i.input.lines.map((l) => l.hsCode.slice(0, 6)))));
    const statKeys = sorted(new Set(items.flatMap((i) => statKeysOf(i.input, i.parties))));
    const linkParts = linkKeys.map((k) => k.split('|'));
    const statParts = statKeys.map((k) => [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1)] as const);
    // Every fact risk reads, in one round trip (pipelined, in this order: the profiles' and the
    // capacity's row locks first, as before, then the links locked, then the statistics).
    const none = Promise.resolve([]);
    const [profileRows, capacityRows, linkRows, referenceRows, statRows] = await together([
      !enterprises.length
        ? none
        : // The no-op update takes each row lock and returns the row in one statement, new or not.
          eager(
            tx
              .insert(riskTraderProfiles)
              .values(
                enterprises.map((enterpriseId) => ({
                  enterpriseId,
                  declarations: 0,
                  firstOn: asOf,
                  lastOn: asOf,
                  logValueN: 0,
                  logValueSum: 0,
                  logValueSumSq: 0,
                  chapters: {},
                  origins: {},
                  ports: {},
                  recentActivity: 0,
                  inspected: 0,
                  violations: 0,
                  seizures: 0,
                  lastViolationOn: null,
                })),
              )
              .onConflictDoUpdate({
                target: riskTraderProfiles.enterpriseId,
                set: { enterpriseId: sql`excluded.enterprise_id` },
              })
              .returning(),
          ),
      !ports.length ? none : eager(lockCapacity(tx, ports, asOf)),
      !linkKeys.length
        ? none
        : queryRows<{
            kind: string;
            party_key: string;
            enterprise_id: string;
            declarations: number;
            violated: boolean;
          }>(
            tx,
            sql`select kind, party_key, enterprise_id, declarations, violated from ${riskPartyTraders}
            where (kind, party_key, enterprise_id::text) in (select * from unnest(
              ${pgArray(linkParts.map((p) => p[0]!))}::text[],
              ${pgArray(linkParts.map((p) => p[1]!))}::text[],
              ${pgArray(linkParts.map((p) => p[2]!))}::text[]))
            order by kind, party_key, enterprise_id for update`,
          ),
      !hs6.length
        ? none
        : queryRows<{
            kind: string;
            hs6: string;
            origin: string;
            unit: string;
            n: number;
            sum: number;
            sum_sq: number;
          }>(
            tx,
            sql`select kind, hs6, origin, unit, n, sum, sum_sq from ${riskReferenceStats}
                where hs6 ${anyOf(hs6, 'text')}`,
          ),
      !statKeys.length
        ? none
        : queryRows<{
            kind: string;
            key: string;
            inspected: number;
            hits: number;
            traders: number;
            violation_traders: number;
          }>(
            tx,
            sql`select kind, key, inspected, hits, traders, violation_traders from ${riskOutcomeStats}
                where (kind, key) in (select * from unnest(
                  ${pgArray(statParts.map((p) => p[0]))}::text[], ${pgArray(statParts.map((p) => p[1]))}::text[]))`,
          ),
    ] as const);
    for (const r of profileRows) {
      const withdrawals = { cancellations: r.cancellations, selectedNotInspected: r.selectedNotInspected };
      s.profiles.set(
        r.enterpriseId,
        r.declarations === 0 && r.inspected === 0
          ? { ...EMPTY_PROFILE(asOf), ...withdrawals }
          : {
              ...withdrawals,
              declarations: r.declarations,
              firstOn: r.firstOn,
              lastOn: r.lastOn,
              logValue: { n: r.logValueN, sum: r.logValueSum, sumSq: r.logValueSumSq },
              chapters: r.chapters as Record<string, number>,
              origins: r.origins as Record<string, number>,
              ports: r.ports as Record<string, number>,
              recentActivity: r.recentActivity,
              inspected: r.inspected,
              violations: r.violations,
              seizures: r.seizures,
              lastViolationOn: r.lastViolationOn,
            },
      );
    }
    for (const r of capacityRows) s.capacity.set(r.port, { used: r.used, changed: false });
    for (const r of linkRows)
      s.links.set(`${r.kind}|${r.party_key}|${r.enterprise_id}`, {
        declarations: Number(r.declarations),
        violated: r.violated,
      });
    for (const r of referenceRows) {
      const m = { n: Number(r.n), sum: Number(r.sum), sumSq: Number(r.sum_sq) };
      if (r.kind === 'PRICE') s.prices.set(priceKey(r.hs6, r.origin, r.unit), m);
      else s.weights.set(weightKey(r.hs6, r.unit), m);
    }
    for (const r of statRows)
      s.stats.set(`${r.kind}|${r.key}`, {
        inspected: Number(r.inspected),
        hits: Number(r.hits),
        traders: Number(r.traders),
        violationTraders: Number(r.violation_traders),
      });
    return s;
  }

  profile(enterpriseId: string): TraderProfile {
    return this.profiles.get(enterpriseId) ?? EMPTY_PROFILE(this.asOf);
  }

  private stat(key: StatKey): PartyStatsRow {
    return this.stats.get(key) ?? { inspected: 0, hits: 0, traders: 0, violationTraders: 0 };
  }

  /** The derived part of a declaration's fact context, as it stands now. */
  context(
    item: BatchItem,
  ): Pick<FactContext, 'trader' | 'prices' | 'weights' | 'origins' | 'route' | 'seller' | 'buyer'> {
    const { input, parties } = item;
    const origins = new Map<string, OutcomeCounts>(
      input.lines.map((l) => [l.originCountry, this.stat(`ORIGIN|${l.originCountry}`)]),
    );
    const route = this.stats.get(`ROUTE|${routeKey(input.port, input.route?.origin ?? '')}`) ?? null;
    const party = (k: string | null): PartyStats | null => (k ? this.stat(k) : null);
    return {
      trader: this.profile(item.enterpriseId),
      prices: this.prices,
      weights: this.weights,
      origins,
      route,
      seller: party(parties.seller ? `SELLER|${parties.seller}` : null),
      buyer: party(parties.buyer ? `BUYER|${parties.buyer}` : null),
    };
  }

  /** Whether the port's capacity row of the day is loaded (and locked) for this batch. */
  hasCapacity(port: string): boolean {
    return this.capacity.has(port);
  }

  /**
   * Locks and loads a port's capacity row of the day when a declaration turns out to need an
   * inspection booked: a single declaration's assessment takes this row only then, so assessments at
   * one port that book nothing (most) no longer queue behind each other on it until they commit.
   */
  async loadCapacity(tx: Executor, port: string): Promise<void> {
    for (const r of await lockCapacity(tx, [port], this.asOf))
      this.capacity.set(r.port, { used: r.used, changed: false });
  }

  /** Books one physical inspection: mandatory ones always, the others only under the capacity. */
  bookInspection(port: string, capacity: number, mandatory: boolean): boolean {
    const c = this.capacity.get(port);
    if (!c) throw new Error(`Capacity of ${port} was not loaded for this batch.`);
    if (!mandatory && c.used >= capacity) return false;
    c.used++;
    c.changed = true;
    return true;
  }

  setProfile(enterpriseId: string, p: TraderProfile): void {
    this.profiles.set(enterpriseId, p);
    this.dirtyProfiles.add(enterpriseId);
  }

  addReferences(deltas: ReferenceDelta[]): void {
    for (const d of deltas) {
      const k = `${d.kind}|${d.hs6}|${d.origin}|${d.unit}`;
      const pending = this.refDeltas.get(k);
      if (pending) (pending.n += d.n), (pending.sum += d.sum), (pending.sumSq += d.sumSq);
      else this.refDeltas.set(k, { ...d });
      const map = d.kind === 'PRICE' ? this.prices : this.weights;
      const mk = d.kind === 'PRICE' ? priceKey(d.hs6, d.origin, d.unit) : weightKey(d.hs6, d.unit);
      const m = map.get(mk) ?? { n: 0, sum: 0, sumSq: 0 };
      map.set(mk, { n: m.n + d.n, sum: m.sum + d.sum, sumSq: m.sumSq + d.sumSq });
    }
  }

  private addStat(key: StatKey, d: Partial<PartyStatsRow>): void {
    const apply = (t: PartyStatsRow) => ({
      inspected: t.inspected + (d.inspected ?? 0),
      hits: t.hits + (d.hits ?? 0),
      traders: t.traders + (d.traders ?? 0),
      violationTraders: t.violationTraders + (d.violationTraders ?? 0),
    });
    this.stats.set(key, apply(this.stat(key)));
    this.statDeltas.set(
      key,
      apply(this.statDeltas.get(key) ?? { inspected: 0, hits: 0, traders: 0, violationTraders: 0 }),
    );
  }

  /** A declaration links its trader to its parties; a first link counts one more trader for the party. */
  linkParties(enterpriseId: string, parties: PartyKeys): void {
    for (const k of linkKeysOf(enterpriseId, parties)) {
      const link = this.links.get(k);
      if (!link) {
        this.links.set(k, { declarations: 1, violated: false });
        this.addStat(k.slice(0, k.lastIndexOf('|')), { traders: 1 });
      } else link.declarations++;
      const pending = this.linkDeltas.get(k) ?? { declarations: 0, violated: false };
      pending.declarations++;
      this.linkDeltas.set(k, pending);
    }
  }

  /** An outcome counts for the origins, the route and the parties; a first breach marks the link. */
  recordOutcome(enterpriseId: string, input: AssessmentInput, parties: PartyKeys, hit: boolean): void {
    for (const o of new Set(input.lines.map((l) => l.originCountry)))
      this.addStat(`ORIGIN|${o}`, { inspected: 1, hits: hit ? 1 : 0 });
    this.addStat(`ROUTE|${routeKey(input.port, input.route?.origin ?? '')}`, { inspected: 1, hits: hit ? 1 : 0 });
    for (const k of linkKeysOf(enterpriseId, parties)) {
      const partyStat = k.slice(0, k.lastIndexOf('|'));
      const link = this.links.get(k);
      const newlyViolated = hit && link !== undefined && !link.violated;
      if (newlyViolated) {
        link!.violated = true;
        const pending = this.linkDeltas.get(k) ?? { declarations: 0, violated: false };
        pending.violated = true;
        this.linkDeltas.set(k, pending);
      }
      this.addStat(partyStat, { inspected: 1, hits: hit ? 1 : 0, violationTraders: newlyViolated ? 1 : 0 });
    }
  }

  /** Writes every change back: absolute values for the rows this batch holds locked, increments for the rest. */
  async flush(tx: Executor): Promise<void> {
    // Every write in one round trip (pipelined, in this order). The profiles and the capacity rows
    // are held locked since the load: each table's rows are written by one statement however many
    // traders or ports the batch touched (it was one statement per row). Doubles travel as their
    // shortest round-trip text, which reads back as the same double.
    const writes: PromiseLike<unknown>[] = [];
    const profiles = sorted(this.dirtyProfiles).map((id) => {
      const p = this.profiles.get(id)!;
      return {
        enterprise_id: id,
        declarations: p.declarations,
        first_on: p.firstOn,
        last_on: p.lastOn,
        log_value_n: p.logValue.n,
        log_value_sum: String(p.logValue.sum),
        log_value_sum_sq: String(p.logValue.sumSq),
        chapters: p.chapters,
        origins: p.origins,
        ports: p.ports,
        recent_activity: String(p.recentActivity),
        inspected: p.inspected,
        violations: p.violations,
        seizures: p.seizures,
        last_violation_on: p.lastViolationOn,
      };
    });
    if (profiles.length)
      writes.push(
        tx.execute(sql`update ${riskTraderProfiles} t set declarations = v.declarations, first_on = v.first_on,
            last_on = v.last_on, log_value_n = v.log_value_n, log_value_sum = v.log_value_sum,
            log_value_sum_sq = v.log_value_sum_sq, chapters = v.chapters, origins = v.origins, ports = v.ports,
            recent_activity = v.recent_activity, inspected = v.inspected, violations = v.violations,
            seizures = v.seizures, last_violation_on = v.last_violation_on
          from ${recordset(profiles, PROFILE_COLUMNS)} where t.enterprise_id = v.enterprise_id`),
      );
    const capacity = [...this.capacity.entries()]
      .filter(([, c]) => c.changed)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([port, c]) => ({ port, used: c.used }));
    if (capacity.length)
      writes.push(
        tx.execute(sql`update ${riskCapacityUsage} c set used = v.used
          from ${recordset(capacity, 'port text, used int')} where c.port = v.port and c.day = ${this.asOf}`),
      );
    await together([
      ...writes.map((w) => eager(w)),
      this.flushLinks(tx),
      this.flushStats(tx),
      this.flushReferences(tx),
    ]);
  }

  private async flushLinks(tx: Executor): Promise<void> {
    const rows = sorted(this.linkDeltas.keys()).map((k) => {
      const [kind, partyKey, enterpriseId] = k.split('|') as [string, string, string];
      const d = this.linkDeltas.get(k)!;
      return { kind, partyKey, enterpriseId, declarations: d.declarations, violated: d.violated };
    });
    if (!rows.length) return;
    await tx
      .insert(riskPartyTraders)
      .values(rows)
      .onConflictDoUpdate({
        target: [riskPartyTraders.kind, riskPartyTraders.partyKey, riskPartyTraders.enterpriseId],
        set: {
          declarations: sql`${riskPartyTraders.declarations} + excluded.declarations`,
          violated: sql`${riskPartyTraders.violated} or excluded.violated`,
        },
      });
  }

  private async flushStats(tx: Executor): Promise<void> {
    const rows = sorted(this.statDeltas.keys())
      .map((k) => ({ kind: k.slice(0, k.indexOf('|')), key: k.slice(k.indexOf('|') + 1), ...this.statDeltas.get(k)! }))
      .filter((d) => d.inspected || d.hits || d.traders || d.violationTraders);
    if (!rows.length) return;
    await tx
      .insert(riskOutcomeStats)
      .values(rows)
      .onConflictDoUpdate({
        target: [riskOutcomeStats.kind, riskOutcomeStats.key],
        set: {
          inspected: sql`${riskOutcomeStats.inspected} + excluded.inspected`,
          hits: sql`${riskOutcomeStats.hits} + excluded.hits`,
          traders: sql`${riskOutcomeStats.traders} + excluded.traders`,
          violationTraders: sql`${riskOutcomeStats.violationTraders} + excluded.violation_traders`,
        },
      });
  }

  private async flushReferences(tx: Executor): Promise<void> {
    const rows = sorted(this.refDeltas.keys())
      .map((k) => this.refDeltas.get(k)!)
      .filter((d) => d.n !== 0);
    if (!rows.length) return;
    const after = await tx
      .insert(riskReferenceStats)
      .values(rows)
      .onConflictDoUpdate({
        target: [riskReferenceStats.kind, riskReferenceStats.hs6, riskReferenceStats.origin, riskReferenceStats.unit],
        set: {
          n: sql`${riskReferenceStats.n} + excluded.n`,
          sum: sql`${riskReferenceStats.sum} + excluded.sum`,
          sumSq: sql`${riskReferenceStats.sumSq} + excluded.sum_sq`,
        },
      })
      .returning({
        kind: riskReferenceStats.kind,
        hs6: riskReferenceStats.hs6,
        origin: riskReferenceStats.origin,
        n: riskReferenceStats.n,
      });
    // A correction only ever takes back what a declaration added: a negative count is a bug, and rolls back.
    const broken = after.find((r) => r.n < 0);
    if (broken)
      throw new Error(`Reference ${broken.kind} ${broken.hs6}/${broken.origin} would count ${broken.n} samples.`);
  }
}

/** The trader's profile after one more declaration (pure). */
export function profileAfterDeclaration(
  p: TraderProfile,
  input: AssessmentInput,
  asOf: string,
  totalValue: number,
): TraderProfile {
  const bump = (m: Record<string, number>, keys: string[]) => {
    const out = { ...m };
    for (const k of new Set(keys)) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  const first = p.declarations === 0;
  const log = totalValue > 0 ? Math.log(totalValue) : null;
  return {
    ...p,
    declarations: p.declarations + 1,
    firstOn: first ? asOf : p.firstOn < asOf ? p.firstOn : asOf,
    lastOn: first || asOf > p.lastOn ? asOf : p.lastOn,
    logValue:
      log === null
        ? p.logValue
        : { n: p.logValue.n + 1, sum: p.logValue.sum + log, sumSq: p.logValue.sumSq + log * log },
    chapters: bump(
      p.chapters,
      input.lines.map((l) => l.hsCode.slice(0, 2)),
    ),
    origins: bump(
      p.origins,
      input.lines.map((l) => l.originCountry),
    ),
    ports: bump(p.ports, [input.port]),
    recentActivity: (first ? 0 : decayed(p.recentActivity, Math.max(0, daysBetween(p.lastOn, asOf)))) + 1,
  };
}

/** The trader's profile after an inspection outcome (pure). */
export function profileAfterOutcome(
  p: TraderProfile,
  outcome: 'MATCH' | 'DISCREPANCY' | 'SEIZURE',
  today: string,
): TraderProfile {
  const hit = outcome !== 'MATCH';
  return {
    ...p,
    inspected: p.inspected + 1,
    violations: p.violations + (hit ? 1 : 0),
    seizures: p.seizures + (outcome === 'SEIZURE' ? 1 : 0),
    lastViolationOn: hit && (p.lastViolationOn === null || today > p.lastViolationOn) ? today : p.lastViolationOn,
  };
}
