/**
 * Duty-free demo data, through the module's own service: two shop tills, sales of every collection
 * method, a held reservation, a return, a pick-up at Meilan airport, a carrier's departure report,
 * a buyer banned for not leaving within 30 days of a buy-and-collect purchase, and a code found on
 * the market.
 */
import type { AppContext } from '../../platform/context.ts';
import { runCommand } from '../../platform/command.ts';
import { createApiClient } from '../../platform/auth/service.ts';
import { systemActor, type Actor } from '../../platform/auth/roles.ts';
import { fixedClock, shanghaiDate } from '../../kernel/clock.ts';
import { residentIdCheckDigit } from '../../kernel/residentId.ts';
import { addDays } from './rules.ts';
import type { ReserveBody } from './wire.ts';
import {
  checkMissedDepartures,
  confirm,
  recordDepartures,
  recordFinding,
  recordPickup,
  reserve,
  returnUnits,
} from './service.ts';

const residentId = (first17: string) => first17 + residentIdCheckDigit(first17);

export const DEMO_BUYERS = {
  traveller: { idType: 'RESIDENT_ID', idNumber: residentId('44030119880612341'), name: '林晓雯' },
  islander: { idType: 'RESIDENT_ID', idNumber: residentId('46010019850304222'), name: '符海东' },
  visitor: { idType: 'PASSPORT', idNumber: 'K23456789', name: 'Sato Yuki', birthDate: '1992-08-15' },
  stayer: { idType: 'RESIDENT_ID', idNumber: residentId('31010419950921563'), name: '周子涵' },
  reseller: { idType: 'RESIDENT_ID', idNumber: residentId('35020319900101777'), name: '黄志强' },
} as const;

async function till(ctx: AppContext, shop: string, name: string): Promise<Actor> {
  const { client } = await runCommand(ctx, 'apiClient.create', (tx) =>
    createApiClient(tx, { name, role: 'dutyfree_shop', scope: { shop } }, systemActor('demo-seed'), ctx.clock.now()),
  );
  return {
    kind: 'client',
    id: client.id,
    name: client.name,
    role: 'dutyfree_shop',
    enterpriseId: null,
    scope: { shop },
  };
}

function sale(
  ctx: AppContext,
  buyer: ReserveBody['buyer'],
  items: ReserveBody['items'],
  extra: Partial<ReserveBody> = {},
): ReserveBody {
  const date = addDays(shanghaiDate(ctx.clock.now()), 2);
  return {
    buyer,
    departure: { mode: 'FLIGHT', number: 'HU7181', date, destination: 'MAINLAND' },
    collection: 'DEPARTURE_PICKUP',
    items,
    ...extra,
  };
}

async function sell(ctx: AppContext, shop: Actor, body: ReserveBody) {
  const r = await reserve(ctx, shop, body);
  return confirm(ctx, shop, r.reservationId);
}

export async function seedDutyfreeDemo(ctx: AppContext): Promise<void> {
  const riyue = await till(ctx, 'HAIKOU-RIYUE', 'demo-till-haikou-riyue');
  const haitang = await till(ctx, 'SANYA-HAITANG', 'demo-till-sanya-haitang');
  const meilan = await till(ctx, 'HAIKOU-MEILAN-T2', 'demo-till-meilan-t2');
  const { traveller, islander, visitor, stayer, reseller } = DEMO_BUYERS;

  // A traveller's trip: cosmetics, a watch and wine, picked up at Meilan when leaving; one lipstick returned.
  const trip = await sell(
    ctx,
    riyue,
    sale(
      ctx,
      traveller,
      [
        { sku: 'LANCOME-ABS-50', name: '兰蔻菁纯面霜 50ml', category: 'COSMETICS', unitPrice: '2780.00', quantity: 2 },
        { sku: 'DIOR-999-LIP', name: '迪奥烈艳蓝金唇膏', category: 'COSMETICS', unitPrice: '320.00', quantity: 3 },
        { sku: 'OMEGA-SEAMASTER', name: '欧米茄海马腕表', category: 'WATCHES', unitPrice: '38500.00', quantity: 1 },
        {
          sku: 'MOUTAI-500',
          name: '飞天茅台 500ml',
          category: 'ALCOHOL',
          unitPrice: '1499.00',
          quantity: 2,
          volumeMl: 500,
        },
      ],
      { phone: '13912345678' },
    ),
  );
  const lipsticks = trip.codes!.find((l) => l.sku === 'DIOR-999-LIP')!.codes;
  await returnUnits(ctx, riyue, trip.reservationId, [lipsticks[0]!]);
  await recordPickup(ctx, riyue, {
    point: 'CNHAK-MEILAN',
    codes: trip.codes!.flatMap((l) => l.codes).filter((c) => c !== lipsticks[0]),
  });

  // An island resident collects on return; a visitor leaving abroad has a reservation still held at the till.
  await sell(
    ctx,
    haitang,
    sale(
      ctx,
      islander,
      [{ sku: 'DYSON-HD15', name: '戴森吹风机', category: 'SMALL_APPLIANCES', unitPrice: '2990.00', quantity: 1 }],
      { collection: 'RETURN_PICKUP' },
    ),
  );
  await reserve(ctx, haitang, {
    ...sale(ctx, visitor, [
      { sku: 'SKII-PITERA-230', name: 'SK-II 神仙水 230ml', category: 'COSMETICS', unitPrice: '1370.00', quantity: 2 },
    ]),
    departure: {
      mode: 'FLIGHT',
      number: 'NH924',
      date: addDays(shanghaiDate(ctx.clock.now()), 3),
      destination: 'ABROAD',
    },
  });

  // Mail delivery to Shenzhen: buyer = payer = recipient.
  const self = { idType: traveller.idType, idNumber: traveller.idNumber, name: traveller.name };
  await sell(
    ctx,
    meilan,
    sale(
      ctx,
      traveller,
      [{ sku: 'HUAWEI-MATE-X', name: '华为折叠屏手机', category: 'MOBILE_PHONE', unitPrice: '12999.00', quantity: 1 }],
      {
        collection: 'MAIL',
        payer: self,
        mail: {
          recipient: self,
          phone: '13912345678',
          address: { province: '44', city: '深圳', line: '南山区粤海街道科技南路 8 号', postalCode: '518057' },
        },
      },
    ),
  );

  // Forty days ago two buyers bought and collected at once; one left (the carrier says so), one never did.
  const past = { ...ctx, clock: fixedClock(new Date(ctx.clock.now().getTime() - 40 * 86_400_000)) };
  const handbag = (sku: string) => [
    { sku, name: '古驰手袋', category: 'CLOTHING', unitPrice: '18800.00', quantity: 1 },
  ];
  await sell(past, riyue, sale(past, stayer, handbag('GUCCI-BAG-1'), { collection: 'BUY_AND_COLLECT' }));
  const left = await sell(
    past,
    riyue,
    sale(past, reseller, handbag('GUCCI-BAG-2'), {
      collection: 'BUY_AND_COLLECT',
      phone: '13600001111',
      deviceId: 'demo-device-7f3a',
    }),
  );
  const flown = addDays(shanghaiDate(past.clock.now()), 2);
  await recordDepartures(past, systemActor('demo-carrier'), [
    {
      idType: reseller.idType,
      idNumber: reseller.idNumber,
      mode: 'FLIGHT',
      number: 'HU7181',
      date: flown,
      departedAt: `${flown}T09:30:00+08:00`,
    },
  ]);
  await checkMissedDepartures(ctx);

  // The handbag that left with the reseller turns up in an online shop.
  await recordFinding(ctx, systemActor('demo-seed'), left.codes![0]!.codes[0]!, {
    foundOn: shanghaiDate(ctx.clock.now()),
    channel: 'ONLINE',
    place: '某二手交易平台店铺 a second-hand marketplace listing',
    note: '标价低于免税店零售价 priced below the shop',
  });
}
