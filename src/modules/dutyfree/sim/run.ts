/**
 * The simulator through the duty-free service: each simulated sale is a reservation and its
 * confirmation by the shop's till (the same code path as a real shop), under a clock that moves with
 * the simulated time; carriers report the departures of buyers who took their goods at once (as
 * airlines do, or they would all be banned 30 days later); officers record the codes found on the
 * market. Deterministic for a seed: the same seed, start, days and scale give the same sales.
 */
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { createApiClient } from '../../../platform/auth/service.ts';
import { listApiClients } from '../../../platform/auth/clients.ts';
import { systemActor, type Actor } from '../../../platform/auth/roles.ts';
import { fixedClock } from '../../../kernel/clock.ts';
import { Problem } from '../../../kernel/problem.ts';
import { fromDayNumber } from '../../../kernel/dates.ts';
import { confirm, recordDepartures, recordFinding, reserve, type CarrierDeparture } from '../service.ts';
import type { ReserveBody } from '../wire.ts';
import { SHOPS } from './catalogue.ts';
import { DutyfreeSimulation, type SimSale } from './generator.ts';
import { mix, type Person } from './population.ts';

export interface ServiceSimOptions {
  seed: number;
  startDate: string;
  days: number;
  scale: number;
  /** Sales sent at once (PostgreSQL takes many; PGlite serialises them anyway). */
  concurrency?: number;
  onDay?: (done: number, totals: ServiceSimTotals) => void;
  onSale?: (done: number) => void;
}

export interface ServiceSimTotals {
  days: number;
  sales: number;
  refused: Record<string, number>;
  items: number;
  departures: number;
  findings: number;
  rings: number;
}

const HOUR = 3_600_000;
const money = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** A shared identifier of the simulation as a real phone number: 17x and 8 digits from its hash. */
export function phoneOf(key: string): string {
  if (/^1\d{10}$/.test(key)) return key;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
  return `17${String(mix(0x5eed, h) % 1_000_000_000).padStart(9, '0')}`;
}

const CITIES = ['深圳', '广州', '上海', '北京', '杭州', '成都', '武汉', '长沙'];
const PROVINCES: Record<string, string> = {
  深圳: '44',
  广州: '44',
  上海: '31',
  北京: '11',
  杭州: '33',
  成都: '51',
  武汉: '42',
  长沙: '43',
};

function addressOf(key: string) {
  const h = mix(
    0xadd,
    [...key].reduce((a, c) => (Math.imul(a, 33) + c.charCodeAt(0)) >>> 0, 5381),
  );
  const city = CITIES[h % CITIES.length]!;
  return {
    province: PROVINCES[city]!,
    city,
    line: `${key.startsWith('RM') ? '物流园' : '花园小区'} ${1 + (h % 40)} 栋 ${100 + (h % 900)} 号`,
  };
}

const identity = (p: Person) => ({ idType: p.idType, idNumber: p.idNumber, name: p.name });

/** The reservation body a shop's till would send for a simulated sale. */
export function reserveBodyOf(sim: DutyfreeSimulation, s: SimSale, requestId: string): ReserveBody {
  const p = sim.person(s.person);
  const buyer = p.idType === 'RESIDENT_ID' ? identity(p) : { ...identity(p), birthDate: p.birthDate };
  const phone = phoneOf(s.phone);
  const body: ReserveBody = {
    requestId,
    buyer,
    departure: {
      mode: s.trip.mode,
      number: s.trip.number,
      date: fromDayNumber(s.trip.departureDay),
      destination: s.trip.destination,
    },
    collection: s.collection,
    items: s.items.map((i) => ({
      sku: i.product.sku,
      name: i.product.name,
      category: i.product.category,
      unitPrice: money(i.product.priceFen),
      quantity: i.quantity,
      ...(i.product.volumeMl ? { volumeMl: i.product.volumeMl } : {}),
    })),
    paymentAccount: s.account,
    phone,
    ...(s.device ? { deviceId: s.device } : {}),
  };
  if (s.payer !== s.person) body.payer = identity(sim.person(s.payer));
  if (s.collection === 'MAIL') {
    body.payer = identity(p);
    body.mail = { recipient: identity(p), phone, address: addressOf(s.address ?? `H${s.person}`) };
  }
  return body;
}

async function tills(ctx: AppContext): Promise<Map<string, Actor>> {
  const existing = (await listApiClients(ctx.db, { role: 'dutyfree_shop' })).filter((c) =>
    c.name.startsWith('sim-till-'),
  );
  const out = new Map<string, Actor>();
  for (const { code } of SHOPS) {
    const name = `sim-till-${code.toLowerCase()}`;
    let id = existing.find((c) => c.name === name)?.id;
    if (!id) {
      const made = await runCommand(ctx, 'apiClient.create', (tx) =>
        createApiClient(
          tx,
          { name, role: 'dutyfree_shop', scope: { shop: code } },
          systemActor('dutyfree-simulator'),
          ctx.clock.now(),
        ),
      );
      id = made.client.id;
    }
    out.set(code, { kind: 'client', id, name, role: 'dutyfree_shop', enterpriseId: null, scope: { shop: code } });
  }
  return out;
}

/** A stable request id per simulated sale: running the same simulation again answers the first results. */
function requestIdOf(seed: number, day: number, n: number): string {
  const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  const a = hex(mix(seed, day * 131 + 7));
  const b = hex(mix(seed ^ 0x1234, n));
  const c = hex(mix(day, n ^ 0x7777));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(1, 4)}-${c}${hex(n).slice(4)}`;
}

export async function runServiceSimulation(base: AppContext, o: ServiceSimOptions): Promise<ServiceSimTotals> {
  const sim = new DutyfreeSimulation({ seed: o.seed, startDate: o.startDate, days: o.days, scale: o.scale });
  const clock = fixedClock(base.clock.now());
  const ctx: AppContext = { ...base, clock };
  const shops = await tills(ctx);
  const officer = systemActor('dutyfree-simulator');
  const totals: ServiceSimTotals = {
    days: 0,
    sales: 0,
    refused: {},
    items: 0,
    departures: 0,
    findings: 0,
    rings: sim.rings.length,
  };
  const codesOf = new Map<number, string>();
  const leaving = new Map<number, CarrierDeparture[]>();
  const concurrency = Math.max(1, o.concurrency ?? 1);
  for (const { day, events } of sim.events()) {
    let n = 0;
    for (let i = 0; i < events.length; i += concurrency) {
      const batch = events.slice(i, i + concurrency);
      clock.set(new Date(batch[0]!.at));
      await Promise.all(
        batch.map(async (e) => {
          if (e.kind === 'marketCode') {
            const code = codesOf.get(e.person);
            if (!code) return;
            await recordFinding(ctx, officer, code, {
              foundOn: fromDayNumber(e.day),
              channel: 'ONLINE',
              place: '某电商平台 online shop',
            });
            totals.findings++;
            return;
          }
          const till = shops.get(e.shop)!;
          try {
            const r = await reserve(ctx, till, reserveBodyOf(sim, e, requestIdOf(o.seed, day, n++)));
            const c = await confirm(ctx, till, r.reservationId);
            // Codes kept for the findings to come: ring members always, others now and then (a gift resold).
            if (e.ring >= 0 || codesOf.size < 50_000) codesOf.set(e.person, c.codes![0]!.codes[0]!);
            totals.sales++;
            for (const item of e.items) totals.items += item.quantity;
            if (e.collection === 'BUY_AND_COLLECT' || e.collection === 'GUARANTEE_AND_COLLECT') {
              const p = sim.person(e.person);
              const date = fromDayNumber(e.trip.departureDay);
              const list = leaving.get(e.trip.departureDay) ?? [];
              list.push({
                idType: p.idType,
                idNumber: p.idNumber,
                mode: e.trip.mode,
                number: e.trip.number,
                date,
                departedAt: `${date}T10:00:00+08:00`,
              });
              leaving.set(e.trip.departureDay, list);
            }
          } catch (err) {
            if (!(err instanceof Problem)) throw err;
            const rule = err.errors?.[0]?.rule ?? err.type;
            totals.refused[rule] = (totals.refused[rule] ?? 0) + 1;
          }
          o.onSale?.(totals.sales);
        }),
      );
    }
    // The carriers report the day's departures in the evening.
    const departing = leaving.get(day) ?? [];
    leaving.delete(day);
    clock.set(new Date(day * 86_400_000 - 8 * HOUR + 22 * HOUR));
    for (let i = 0; i < departing.length; i += 500) {
      await recordDepartures(ctx, systemActor('dutyfree-sim-carrier'), departing.slice(i, i + 500));
      totals.departures += Math.min(500, departing.length - i);
    }
    totals.days++;
    o.onDay?.(totals.days, totals);
  }
  return totals;
}
