/** Test helpers shared by the declarations tests. */
import type { TestApp } from '../support/app.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { addItems, fileDocument } from '../../src/modules/ledger/service.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';

let counter = 0;
/** A goods line of the exit form; duty 12% and VAT 9% unless given. */
export interface ExitLineInput {
  itemId: string;
  quantity: string;
  valueCny: string;
  netWeightKg: string;
  dutyRate?: string;
  vatRate?: string;
  consumptionTaxRate?: string;
  specificDutyPerUnit?: string;
}

export function exitBody(bookId: string, lines: ExitLineInput[], requestId = `req-${Date.now()}-${++counter}`) {
  return {
    requestId,
    bookId,
    portCode: 'CNHAK-XINHAI',
    destination: { region: 'CN-MAINLAND', province: '广东', city: '湛江' },
    consignee: { name: '湛江某食品贸易有限公司' },
    contact: { name: '王海燕', phone: '0898-66668888' },
    transport: {
      mode: 'ROAD',
      plate: '琼A12345',
      containers: ['CSQU3054383'],
      seals: ['HK0001'],
      expectedGrossWeightKg: '1000',
    },
    packages: { count: 40, kind: '箱' },
    documents: { contractNo: 'HT-2026-001', invoiceNo: 'INV-2026-001' },
    lines: lines.map((l) => ({ dutyRate: '0.12', vatRate: '0.09', ...l })),
  };
}

let jerkies = 0;
/** The GACC example's jerky maker: 356,000 CNY of beef imported into a processing book and made into 800 kg of jerky. */
export async function jerkyMaker(app: TestApp) {
  const actor = systemActor('test');
  const beefItem = {
    hsCode: '0202300090',
    name: '冻去骨牛肉 frozen boneless beef',
    unit: 'KG',
    originCountry: 'AU',
    quantity: '1000',
    importedCny: '356000',
  };
  const beef = await bookWithGoods(app.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [beefItem],
  });
  const jerkyItem = {
    itemNo: `JERKY-H${++jerkies}`,
    hsCode: '1602500090',
    name: '牛肉干 beef jerky',
    specification: '100g',
    unit: 'KG',
    originCountry: 'CN',
  };
  const [jerky] = await addItems(app.ctx, actor, beef.bookId, [jerkyItem]);
  const inputs = [{ itemId: beef.itemIds[0]!, quantity: '1000' }];
  await fileDocument(app.ctx, actor, {
    type: 'PROCESSING',
    documentId: uuidv7(),
    bookId: beef.bookId,
    reference: `JG-H${jerkies}`,
    businessDate: '2026-11-10',
    inputs,
    outputs: [{ itemId: jerky!.id, quantity: '800' }],
  });
  return { ...beef, jerkyId: jerky!.id };
}

interface Released {
  id: string;
  portCode: string;
  form: unknown;
}

/** The truck of a released declaration reaches its port's first lane: a gate device posts the event over HTTP; returns the answer after the events are delivered. */
export async function passGate(app: TestApp, d: Released, overrides: { weightKg?: string } = {}) {
  const form = d.form as {
    transport: { plate: string; containers: string[]; seals: string[]; expectedGrossWeightKg: string };
  };
  const laneCode = `${d.portCode}-L01`;
  const device = await app.authFor('gate_device', {
    name: `gate-${laneCode}`,
    scope: { portCode: d.portCode, laneCode },
  });
  const res = await app.request({
    method: 'POST',
    url: '/api/v1/gate/events',
    auth: device,
    body: {
      eventId: uuidv7(app.clock.now().getTime()),
      portCode: d.portCode,
      laneCode,
      direction: 'OUT',
      plate: form.transport.plate,
      containers: form.transport.containers,
      weightKg: overrides.weightKg ?? form.transport.expectedGrossWeightKg,
      sealState: 'INTACT',
      seals: form.transport.seals,
      at: app.clock.now().toISOString(),
    },
  });
  if (res.statusCode !== 200) throw new Error(`gate event refused: ${res.body}`);
  await app.ctx.dispatcher.drain();
  return res.json() as {
    decision: 'PASS' | 'DIVERT';
    reasons: { code: string }[];
    complete: boolean;
    inspectionTaskId: string | null;
  };
}
