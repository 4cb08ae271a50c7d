/**
 * Resale-ring and personal-credit demo data, through the services: two rings of carriers over the
 * last five weeks (one paid from an organiser's card, one sharing two phone numbers with a code of
 * theirs found online), a family that shares a card and is left alone, a resident who buys lipstick
 * on every trip (a yellow-list entry of their own); a detection run; the first ring confirmed as a
 * case by two officers (bans, scores at D, FOCUS), the second proposed and waiting for a second
 * officer; a person at level D whose sales are reviewed, and one at A for good conduct.
 */
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { createApiClient, findUserByName, userActor } from '../../../platform/auth/service.ts';
import { systemActor, type Actor } from '../../../platform/auth/roles.ts';
import { fixedClock, shanghaiDate } from '../../../kernel/clock.ts';
import { residentIdCheckDigit } from '../../../kernel/residentId.ts';
import { addDays } from '../../../kernel/dates.ts';
import { personHashOf, recordBehaviour } from '../../personalcredit/service.ts';
import { confirm, recordFinding, reserve } from '../service.ts';
import type { ReserveBody } from '../wire.ts';
import { decideCase, proposeCase } from './service/cases.ts';
import { detectRings } from './service/detect.ts';
import { listYellow } from './service/read.ts';

const DAY = 86_400_000;
const id = (first17: string) => first17 + residentIdCheckDigit(first17);
const person = (first17: string, name: string) => ({ idType: 'RESIDENT_ID' as const, idNumber: id(first17), name });

export const RING_DEMO = {
  organiserCard: '6222 0212 3456 7788',
  payerRing: [
    person('44030619930214101', '陈浩'),
    person('44030619950822102', '吴静'),
    person('44030619910309103', '郑伟'),
    person('44030619970717104', '刘洋'),
    person('44030619940101105', '何敏'),
  ],
  phoneRing: [
    person('35020319920611201', '黄丽'),
    person('35020319960402202', '林峰'),
    person('35020319900925203', '蔡婷'),
    person('35020319980313204', '许强'),
  ],
  sharedPhones: ['17055550101', '17055550202'],
  family: [
    person('32010619700505301', '王建国'),
    person('32010619720808302', '赵丽华'),
    person('32010620000101303', '王小明'),
  ],
  lipstickResident: person('46010019880412401', '符小美'),
  penalised: person('51010719860707501', '孙志刚'),
  praised: person('11010519790303601', '高文'),
};

async function till(ctx: AppContext, shop: string): Promise<Actor> {
  const name = `demo-till-rings-${shop.toLowerCase()}`;
  const actor = systemActor('demo-seed');
  const { client } = await runCommand(ctx, 'apiClient.create', (tx) =>
    createApiClient(tx, { name, role: 'dutyfree_shop', scope: { shop } }, actor, ctx.clock.now()),
  );
  return { kind: 'client', id: client.id, name, role: 'dutyfree_shop', enterpriseId: null, scope: { shop } };
}

const at = (ctx: AppContext, daysAgo: number): AppContext => ({
  ...ctx,
  clock: fixedClock(new Date(ctx.clock.now().getTime() - daysAgo * DAY)),
});

async function sell(ctx: AppContext, shop: Actor, body: Omit<ReserveBody, 'departure'>, flight: string) {
  const date = addDays(shanghaiDate(ctx.clock.now()), 1);
  const r = await reserve(ctx, shop, {
    ...body,
    departure: { mode: 'FLIGHT', number: flight, date, destination: 'MAINLAND' },
  });
  return confirm(ctx, shop, r.reservationId);
}

const lipsticks = (n: number) => ({
  sku: 'YSL-SLIM-21',
  name: '圣罗兰小金条口红',
  category: 'COSMETICS',
  unitPrice: '320.00',
  quantity: n,
});
const masks = (n: number) => ({
  sku: 'SKII-MASK-10',
  name: 'SK-II 前男友面膜 10片',
  category: 'COSMETICS',
  unitPrice: '590.00',
  quantity: n,
});

async function officer(ctx: AppContext, username: string): Promise<Actor> {
  const user = await findUserByName(ctx.db, username);
  if (!user) throw new Error(`The demo user ${username} is missing.`);
  return userActor(user);
}

export async function seedRingsDemo(ctx: AppContext): Promise<void> {
  const haitang = await till(ctx, 'SANYA-HAITANG');
  const cdf = await till(ctx, 'HAIKOU-CDF');
  const d = RING_DEMO;
  // Ring 1: five carriers paid from the organiser's card, 30 cosmetics every eleven days.
  for (const daysAgo of [33, 22, 11]) {
    for (const buyer of d.payerRing) {
      const body = {
        buyer,
        collection: 'DEPARTURE_PICKUP' as const,
        items: [lipsticks(20), masks(10)],
        paymentAccount: d.organiserCard,
      };
      await sell(at(ctx, daysAgo), haitang, body, 'HU7381');
    }
  }
  // Ring 2: four carriers giving one of two phone numbers, four phones each time.
  let found: string | null = null;
  for (const [trip, daysAgo] of [30, 19, 8].entries()) {
    for (const [i, buyer] of d.phoneRing.entries()) {
      const phones = {
        sku: 'HONOR-MAGIC7',
        name: '荣耀 Magic7 手机',
        category: 'MOBILE_PHONE',
        unitPrice: '4999.00',
        quantity: 4,
      };
      const body = {
        buyer,
        collection: 'DEPARTURE_PICKUP' as const,
        items: [phones],
        phone: d.sharedPhones[(i + trip) % 2]!,
      };
      const sale = await sell(at(ctx, daysAgo), cdf, body, 'CZ6720');
      found ??= sale.codes![0]!.codes[0]!;
    }
  }
  // One of their phones is offered online a week later.
  const week = at(ctx, 5);
  const foundOn = shanghaiDate(week.clock.now());
  await recordFinding(week, systemActor('demo-seed'), found!, {
    foundOn,
    channel: 'ONLINE',
    place: '某二手交易平台 a second-hand app',
  });
  // A family shares the father's card and phone, once.
  for (const buyer of d.family) {
    const body = {
      buyer,
      collection: 'DEPARTURE_PICKUP' as const,
      items: [lipsticks(2)],
      paymentAccount: '6228 4800 1122 3344',
      phone: '13905251234',
    };
    await sell(at(ctx, 12), haitang, body, 'MU2511');
  }
  // A resident flying often buys lipstick every trip: a yellow-list entry of her own.
  for (const daysAgo of [26, 14, 3]) {
    await sell(
      at(ctx, daysAgo),
      haitang,
      { buyer: d.lipstickResident, collection: 'RETURN_PICKUP', items: [lipsticks(1)] },
      'HU7081',
    );
  }

  await detectRings(ctx, { actor: 'system:demo-seed' });
  const inspector = await officer(ctx, 'officer');
  const auditor = await officer(ctx, 'auditor');
  const open = await listYellow(ctx, systemActor('demo-seed'), { status: 'OPEN', page: 1, pageSize: 200 });
  const ringOf = (buyers: { idNumber: string }[]) => {
    const numbers = new Set(buyers.map((b) => b.idNumber));
    const entries = open.items.filter((e) => numbers.has(e.buyer.idNumber));
    return { entryIds: entries.map((e) => e.entryId), ringId: entries[0]?.ringId ?? undefined };
  };
  const first = ringOf(d.payerRing);
  if (first.entryIds.length) {
    const note = '同一付款卡为五名购买人代付，每次购满化妆品限量 one card pays for five buyers, each at the limit';
    const c = await proposeCase(ctx, inspector, { proposal: 'CONFIRM', ...first, note });
    await decideCase(ctx, auditor, c.caseId, { decision: 'APPROVE', note: '证据充分，同意认定 evidence holds' });
  }
  const second = ringOf(d.phoneRing);
  if (second.entryIds.length) {
    const note = '四人共用两个手机号，每次购买4部手机，其中一部在二手平台出售 shared phones, a phone resold online';
    await proposeCase(ctx, inspector, { proposal: 'CONFIRM', ...second, note });
  }

  // Beyond the rings: a penalty brings one person to D (every sale reviewed), good conduct lifts another to A.
  const today = shanghaiDate(ctx.clock.now());
  await runCommand(ctx, 'personalCredit.record', async (tx) => {
    const records = [
      {
        who: d.penalised,
        code: 'customs.smugglingPenalty',
        reason: '携带超量免税品出岛，行政处罚 carried duty-free goods beyond the limit',
      },
      {
        who: d.praised,
        code: 'goodConduct.voluntaryDeclaration',
        reason: '出岛时主动申报超量物品 declared the excess on leaving',
      },
    ];
    for (const r of records) {
      const personHash = personHashOf(ctx, r.who.idType, r.who.idNumber);
      const base = {
        personHash,
        idType: r.who.idType,
        code: r.code,
        occurredOn: addDays(today, -20),
        reason: r.reason,
      };
      await recordBehaviour(tx, ctx, {
        ...base,
        source: 'customs',
        sourceRef: `demo:${r.code}:${r.who.idNumber}`,
        actor: 'system:demo-seed',
      });
    }
  });
  await sell(ctx, cdf, { buyer: d.penalised, collection: 'DEPARTURE_PICKUP', items: [masks(3)] }, 'HU7181');
  await sell(ctx, cdf, { buyer: d.praised, collection: 'DEPARTURE_PICKUP', items: [masks(1)] }, 'CA1352');
}
