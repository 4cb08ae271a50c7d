/**
 * The duty-free simulator: day after day, the shoppers of Hainan's twelve shops at the island's real
 * volumes, with resale rings (套代购) planted among them. Deterministic for a seed: the same seed, start
 * and days give the same sales in the same order.
 *
 * Volumes (scale 1): about 19,500 shoppers a day on average, 36,000 at the Spring Festival peak,
 * about 5 items each (6 at the peak), 7 million shoppers and 35 million items a year.
 *
 * Who shops:
 * - parties of new visitors: alone, couples, families (who share a card, a contact phone and a
 *   home address) and tour groups (whose guide's phone is the contact of many);
 * - tourists coming back months later, and island residents who fly often and buy a little;
 * - ring members ("carriers"), recruited by an organiser, who come back every one to four weeks
 *   and buy up to the per-trip limits; each ring is bound in one of five ways (see RING_SHAPES).
 */
import { Rng } from '../../../kernel/random.ts';
import { toDayNumber } from '../../../kernel/dates.ts';
import { PRODUCTS, RING_PRODUCTS, SHOPS, type Product } from './catalogue.ts';
import { mix, person, type Person } from './population.ts';

export const RING_SHAPES = [
  'PAYER_HUB', // one organiser pays for every carrier's purchases (代付)
  'PHONE_SHARE', // carriers give one of a few shared phone numbers (共用手机号)
  'MAIL_DROP', // goods mailed to a few shared off-island addresses (集中邮寄)
  'DEVICE_FARM', // orders placed from a few shared devices (同一设备下单)
  'LOOSE', // pairs sharing a card, chained by phones; moderate buying, long cycles: the hard case
] as const;
export type RingShape = (typeof RING_SHAPES)[number];

export type Collection = 'DEPARTURE_PICKUP' | 'MAIL' | 'RETURN_PICKUP' | 'GUARANTEE_AND_COLLECT' | 'BUY_AND_COLLECT';
export type DepartureMode = 'FLIGHT' | 'TRAIN' | 'SHIP';

export interface SimItem {
  product: Product;
  quantity: number;
}

export interface SimSale {
  kind: 'sale';
  /** Instant of the sale (ms since the epoch). */
  at: number;
  /** Business day number (Asia/Shanghai). */
  day: number;
  person: number;
  shop: string;
  trip: { mode: DepartureMode; number: string; departureDay: number; destination: 'MAINLAND' | 'ABROAD' };
  collection: Collection;
  items: SimItem[];
  amountFen: number;
  /** Who paid (a person number), the payment account, the contact phone, the mail-to address, the device. */
  payer: number;
  account: string;
  phone: string;
  address: string | null;
  device: string | null;
  /** The planted ring the buyer belongs to, or -1: the truth detection is measured against. */
  ring: number;
}

/** An officer finds a traceability code of one of the person's goods on the market. */
export interface SimMarketCode {
  kind: 'marketCode';
  at: number;
  day: number;
  person: number;
  ring: number;
}

export type SimEvent = SimSale | SimMarketCode;

export interface PlantedRing {
  id: number;
  shape: RingShape;
  organiser: number;
  members: number[];
}

export interface SimOptions {
  seed: number;
  startDate: string;
  days: number;
  /** 1 = Hainan's real volume; 0.01 = a hundredth (demo and tests). */
  scale?: number;
}

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
const BASE_SHOPPERS = 19_500;
const QUOTA_FEN = 100_000 * 100;

/** Rings per shape in a year at scale 1, with their sizes and trip cycles (days). */
const RING_PLAN: Record<RingShape, { count: number; size: [number, number]; cycle: [number, number] }> = {
  PAYER_HUB: { count: 60, size: [5, 30], cycle: [8, 16] },
  PHONE_SHARE: { count: 50, size: [4, 15], cycle: [7, 14] },
  MAIL_DROP: { count: 50, size: [5, 20], cycle: [10, 24] },
  DEVICE_FARM: { count: 50, size: [6, 25], cycle: [8, 18] },
  LOOSE: { count: 40, size: [3, 8], cycle: [18, 40] },
};

// Spring Festival holidays (春节): the peak of the year.
const SPRING_FESTIVAL = [
  ['2024-02-10', '2024-02-17'],
  ['2025-01-28', '2025-02-04'],
  ['2026-02-15', '2026-02-23'],
  ['2027-02-05', '2027-02-13'],
].map(([a, b]) => [toDayNumber(a!), toDayNumber(b!)] as const);
// Tourist season: winter and the Spring Festival are high, September is low.
const MONTH_FACTOR = [1.25, 1.45, 1.05, 0.85, 0.9, 0.75, 0.95, 1.0, 0.7, 1.0, 0.85, 1.05];

const monthOf = (day: number) => new Date(day * DAY_MS).getUTCMonth();
const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear();

/** How many shoppers come on a day at scale 1: season × holidays × a stable day-to-day wobble. */
export function shoppersOn(seed: number, day: number): number {
  const festival = SPRING_FESTIVAL.some(([a, b]) => day >= a && day <= b);
  const d = new Date(day * DAY_MS);
  const nationalDay = d.getUTCMonth() === 9 && d.getUTCDate() <= 7;
  const factor = festival ? 1.85 : nationalDay ? 1.6 : MONTH_FACTOR[monthOf(day)]!;
  const wobble = 0.94 + 0.12 * (mix(seed ^ 0x77, day) / 4294967296);
  return BASE_SHOPPERS * factor * wobble;
}

const festivalDay = (day: number) => SPRING_FESTIVAL.some(([a, b]) => day >= a && day <= b);

const FLIGHTS = ['CA', 'HU', 'MU', 'CZ', '3U', 'ZH', 'GS', 'JD'];

interface Party {
  members: number[];
  kind: 'SOLO' | 'COUPLE' | 'FAMILY' | 'TOUR' | 'RETURNING' | 'COMMUTER';
  guide?: string;
}

interface CarrierState {
  ring: PlantedRing;
  member: number;
  position: number;
  nextDay: number;
  cycle: [number, number];
  spentFen: number;
  spentYear: number;
  /** How likely the carrier goes on a scheduled trip: recruits come and go. */
  diligence: number;
}

export class DutyfreeSimulation {
  readonly seed: number;
  readonly startDay: number;
  readonly days: number;
  readonly scale: number;
  readonly rings: PlantedRing[] = [];
  /** People numbered below this are reserved for rings and commuters; new visitors follow. */
  readonly firstVisitor: number;
  private readonly commuters: number;
  private readonly rng: Rng;
  private nextPerson: number;
  private readonly carriers: CarrierState[] = [];
  private readonly laterCodes = new Map<number, SimMarketCode[]>();
  private readonly commuterSpend = new Map<number, { year: number; fen: number }>();
  private readonly productTable: readonly (readonly [Product, number])[];

  constructor(o: SimOptions) {
    this.seed = o.seed >>> 0;
    this.startDay = toDayNumber(o.startDate);
    this.days = o.days;
    this.scale = o.scale ?? 1;
    this.rng = new Rng(this.seed);
    this.productTable = PRODUCTS.map((x) => [x, x.weight] as const);
    let next = 0;
    for (const shape of RING_SHAPES) {
      const plan = RING_PLAN[shape];
      const count = Math.max(1, Math.round(plan.count * this.scale));
      for (let r = 0; r < count; r++) {
        const size = this.rng.int(plan.size[0], plan.size[1]);
        const ring: PlantedRing = { id: this.rings.length, shape, organiser: next++, members: [] };
        for (let m = 0; m < size; m++) ring.members.push(next++);
        this.rings.push(ring);
        ring.members.forEach((member, position) => {
          const nextDay = this.startDay + this.rng.int(0, plan.cycle[1] - 1);
          const diligence = this.rng.uniform(0.45, 1);
          const cycle = plan.cycle;
          this.carriers.push({ ring, member, position, nextDay, cycle, spentFen: 0, spentYear: 0, diligence });
        });
      }
    }
    this.commuters = Math.max(5, Math.round(14_000 * this.scale));
    this.firstVisitor = next + this.commuters;
    this.nextPerson = this.firstVisitor;
  }

  /** The person numbers of island commuters. */
  private commuter(i: number): number {
    return this.firstVisitor - this.commuters + i;
  }

  /** An upper bound of the person numbers this run hands out (detector capacity). */
  maxPeople(): number {
    let visitors = 0;
    // A day's last party may overshoot the day's number by a tour group (at most 20).
    for (let d = 0; d < this.days; d++) {
      visitors += Math.ceil(shoppersOn(this.seed, this.startDay + d) * this.scale) + 20;
    }
    return this.firstVisitor + visitors;
  }

  person(index: number): Person {
    return person(this.seed, index);
  }

  /** The ring of each person (the truth), -1 for everyone else. */
  ringOf(): Map<number, number> {
    const m = new Map<number, number>();
    for (const r of this.rings) for (const x of r.members) m.set(x, r.id);
    return m;
  }

  /** Every day's events, in time order. */
  *events(): Generator<{ day: number; events: SimEvent[] }> {
    for (let d = 0; d < this.days; d++) yield { day: this.startDay + d, events: this.day(this.startDay + d) };
  }

  private day(day: number): SimEvent[] {
    const events: SimEvent[] = [];
    const target = Math.round(shoppersOn(this.seed, day) * this.scale);
    let shoppers = 0;
    while (shoppers < target) {
      const party = this.party(day);
      shoppers += party.members.length;
      this.partySales(day, party, events);
    }
    for (const c of this.carriers) if (c.nextDay === day) this.carrierTrip(day, c, events);
    const found = this.laterCodes.get(day);
    if (found) {
      events.push(...found);
      this.laterCodes.delete(day);
    }
    return events.sort((a, b) => a.at - b.at || a.person - b.person);
  }

  private party(day: number): Party {
    const r = this.rng.next();
    // Island residents who fly often: each shops about every three weeks.
    if (r < 0.036) {
      return { members: [this.commuter(this.rng.int(0, this.commuters - 1))], kind: 'COMMUTER' };
    }
    if (r < 0.1 && this.nextPerson > this.firstVisitor + 100) {
      return { members: [this.rng.int(this.firstVisitor, this.nextPerson - 1)], kind: 'RETURNING' };
    }
    const k = this.rng.next();
    const size = k < 0.55 ? 1 : k < 0.8 ? 2 : k < 0.95 ? this.rng.int(3, 5) : this.rng.int(8, 20);
    const kind = size === 1 ? 'SOLO' : size === 2 ? 'COUPLE' : size <= 5 ? 'FAMILY' : 'TOUR';
    const members = Array.from({ length: size }, () => this.nextPerson++);
    return kind === 'TOUR' ? { members, kind, guide: `G${this.seed}-${day}-${members[0]}` } : { members, kind };
  }

  private tripFor(day: number, resident: boolean): SimSale['trip'] {
    const r = this.rng.next();
    const mode: DepartureMode = r < 0.8 ? 'FLIGHT' : r < 0.85 ? 'TRAIN' : 'SHIP';
    const number =
      mode === 'FLIGHT'
        ? `${this.rng.pick(FLIGHTS)}${this.rng.int(1000, 8999)}`
        : mode === 'TRAIN'
          ? `D${this.rng.int(7301, 7399)}`
          : `QZ${this.rng.int(10, 99)}`;
    const departureDay = day + (resident ? this.rng.int(0, 1) : this.rng.int(0, 4));
    return { mode, number, departureDay, destination: this.rng.chance(0.05) ? 'ABROAD' : 'MAINLAND' };
  }

  private at(day: number): number {
    // Shops open 10:00-22:00 Asia/Shanghai.
    return day * DAY_MS - SHANGHAI_MS + 10 * 3_600_000 + this.rng.int(0, 12 * 3_600_000 - 60_000);
  }

  private basket(day: number, small: boolean): SimItem[] {
    const lines = small ? this.rng.int(1, 2) : 1 + this.rng.poisson(festivalDay(day) ? 3.3 : 2.6);
    const items: SimItem[] = [];
    const perTrip = new Map<string, number>();
    for (let i = 0; i < lines; i++) {
      const product = this.rng.weighted(this.productTable);
      const qty = this.rng.chance(0.35) ? this.rng.int(1, product.maxQuantity) : 1;
      // Stay inside the per-trip limits as a shop's till would make a shopper do.
      const units = product.volumeMl ? product.volumeMl * qty : qty;
      const used = perTrip.get(product.category) ?? 0;
      if (used + units > (TRIP_LIMITS[product.category] ?? Infinity)) continue;
      perTrip.set(product.category, used + units);
      items.push({ product, quantity: qty });
    }
    return items.length ? items : [{ product: RING_PRODUCTS.cosmetics[0]!, quantity: 1 }];
  }

  private collectionFor(items: SimItem[], resident: boolean): Collection {
    const top = Math.max(...items.map((i) => i.product.priceFen));
    if (top >= 50_000 * 100) {
      if (!this.rng.chance(0.5)) return 'DEPARTURE_PICKUP';
      // Guarantee-and-collect covers only units of 50,000 or more: the luxury piece is a sale of its own.
      const luxury = items.filter((i) => i.product.priceFen >= 50_000 * 100);
      items.splice(0, items.length, ...luxury);
      return 'GUARANTEE_AND_COLLECT';
    }
    const r = this.rng.next();
    if (resident && r < 0.35) return 'RETURN_PICKUP';
    if (r < 0.22) return 'MAIL';
    const collectable = items.every((i) => BUY_AND_COLLECT.has(i.product.category));
    if (collectable && r < 0.32 && top < 20_000 * 100) return 'BUY_AND_COLLECT';
    return 'DEPARTURE_PICKUP';
  }

  private partySales(day: number, party: Party, out: SimEvent[]): void {
    const head = party.members[0]!;
    const headPerson = this.person(head);
    const trip = this.tripFor(day, headPerson.islandResident);
    const shop = this.rng.weighted(SHOP_TABLE);
    for (const member of party.members) {
      const p = member === head ? headPerson : this.person(member);
      const items = this.basket(day, party.kind === 'COMMUTER');
      let collection = this.collectionFor(items, p.islandResident);
      const family = party.kind === 'FAMILY' || party.kind === 'COUPLE';
      const headPays = family && member !== head && this.rng.chance(0.7) && collection !== 'MAIL';
      if (collection === 'MAIL' && family && member !== head) collection = 'DEPARTURE_PICKUP';
      const amountFen = items.reduce((s, i) => s + i.product.priceFen * i.quantity, 0);
      if (party.kind === 'COMMUTER' && !this.commuterAffords(member, day, amountFen)) continue;
      const shared = family ? (this.rng.chance(0.5) ? headPerson.phone : null) : party.guide;
      const phone = shared && this.rng.chance(family ? 1 : 0.6) ? shared : p.phone;
      // Commuting couples (neighbouring commuter numbers) often pay with one card.
      const partner = party.kind === 'COMMUTER' && this.rng.chance(0.5) ? member ^ 1 : member;
      const together = family || party.kind === 'TOUR' || member === head;
      const onPhone = this.rng.chance(0.35);
      out.push({
        kind: 'sale',
        at: this.at(day),
        day,
        person: member,
        shop,
        trip: together ? trip : this.tripFor(day, p.islandResident),
        collection,
        items,
        amountFen,
        payer: headPays ? head : member,
        account: `A${headPays ? head : Math.min(member, partner)}`,
        phone,
        address: collection === 'MAIL' ? `H${family ? head : member}` : null,
        device: onPhone ? `D${family && this.rng.chance(0.4) ? head : member}` : null,
        ring: -1,
      });
      // A gift resold now and then: codes of ordinary shoppers turn up on the market too.
      if (this.rng.chance(0.00002)) this.findLater(day, member, -1);
    }
  }

  private commuterAffords(member: number, day: number, fen: number): boolean {
    const year = yearOf(day);
    const s = this.commuterSpend.get(member);
    const spent = s && s.year === year ? s.fen : 0;
    if (spent + fen > QUOTA_FEN) return false;
    this.commuterSpend.set(member, { year, fen: spent + fen });
    return true;
  }

  private findLater(day: number, member: number, ring: number): void {
    const on = day + this.rng.int(5, 40);
    const list = this.laterCodes.get(on) ?? [];
    list.push({ kind: 'marketCode', at: this.at(on), day: on, person: member, ring });
    this.laterCodes.set(on, list);
  }

  private carrierTrip(day: number, c: CarrierState, out: SimEvent[]): void {
    c.nextDay = day + this.rng.int(c.cycle[0], c.cycle[1]);
    const year = yearOf(day);
    if (c.spentYear !== year) {
      c.spentYear = year;
      c.spentFen = 0;
    }
    if (!this.rng.chance(c.diligence)) return;
    const { ring, member } = c;
    const items = this.carrierBasket(ring.shape);
    const amountFen = items.reduce((s, i) => s + i.product.priceFen * i.quantity, 0);
    // A carrier whose quota is spent stops until the new year (the till would refuse).
    if (c.spentFen + amountFen > QUOTA_FEN) return;
    c.spentFen += amountFen;
    const p = this.person(member);
    const links = this.carrierLinks(ring, c.position, p);
    const trip = this.tripFor(day, p.islandResident);
    trip.departureDay = day + this.rng.int(0, 1);
    out.push({
      kind: 'sale',
      at: this.at(day),
      day,
      person: member,
      shop: SHOPS[(ring.id + (this.rng.chance(0.7) ? 0 : 1)) % SHOPS.length]!.code,
      trip,
      collection: links.address ? 'MAIL' : 'DEPARTURE_PICKUP',
      items,
      amountFen,
      ...links,
      ring: ring.id,
    });
    if (this.rng.chance(0.03)) this.findLater(day, member, ring.id);
  }

  private carrierBasket(shape: RingShape): SimItem[] {
    const cheap = RING_PRODUCTS.cosmetics.filter((x) => x.priceFen <= 600 * 100);
    const cosmetics = (lo: number, hi: number) => {
      const total = this.rng.int(lo, hi);
      const a = this.rng.pick(cheap);
      const b = this.rng.pick(cheap);
      const first = Math.ceil(total / 2);
      if (a === b) return [{ product: a, quantity: total }];
      return [
        { product: a, quantity: first },
        { product: b, quantity: total - first },
      ];
    };
    switch (shape) {
      case 'PHONE_SHARE':
        return [{ product: RING_PRODUCTS.phones[0]!, quantity: this.rng.int(3, 4) }];
      case 'DEVICE_FARM':
        return this.rng.chance(0.5) ? [{ product: RING_PRODUCTS.alcohol[2]!, quantity: 3 }] : cosmetics(25, 30);
      case 'LOOSE':
        return cosmetics(12, 26);
      case 'MAIL_DROP':
        return [...cosmetics(24, 30), { product: RING_PRODUCTS.perfume[0]!, quantity: 1 }];
      default:
        return cosmetics(24, 30);
    }
  }

  private carrierLinks(ring: PlantedRing, position: number, p: Person) {
    const none: string | null = null;
    const own = { payer: p.index, account: `A${p.index}`, phone: p.phone, address: none, device: none };
    const key = `${this.seed}-${ring.id}`;
    switch (ring.shape) {
      case 'PAYER_HUB':
        return { ...own, payer: ring.organiser, account: `RA${key}` };
      case 'PHONE_SHARE':
        return { ...own, phone: `RP${key}-${this.rng.int(0, Math.min(3, ring.members.length - 1))}` };
      case 'MAIL_DROP':
        return { ...own, address: `RM${key}-${this.rng.int(0, 2)}` };
      case 'DEVICE_FARM':
        return { ...own, device: `RD${key}-${this.rng.int(0, 2)}` };
      case 'LOOSE': {
        // Pairs share a card; a pair's second member lends its phone to the next pair's first.
        const pair = Math.floor(position / 2);
        const lent = position % 2 === 1 ? pair : pair - 1;
        const phone = lent >= 0 ? `RL${key}-${lent}` : p.phone;
        return { ...own, account: `RC${key}-${pair}`, phone };
      }
    }
  }
}

const SHOP_TABLE = SHOPS.map((s) => [s.code, s.share] as const);

// The per-trip limits of dutyfree.perTripLimits (2020 and 2025 lists alike), in pieces or millilitres.
const TRIP_LIMITS: Record<string, number> = { COSMETICS: 30, MOBILE_PHONE: 4, ALCOHOL: 1500 };

// The buy-and-collect list (即购即提) of dutyfree.perTripLimits for the simulator's categories.
const BUY_AND_COLLECT = new Set([
  'COSMETICS',
  'PERFUME',
  'EYEWEAR',
  'SILK_SCARVES',
  'CLOTHING',
  'SHOES_AND_HATS',
  'SMALL_LEATHER_GOODS',
  'CONFECTIONERY',
  'INFANT_FORMULA',
]);
