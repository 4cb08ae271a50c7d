/**
 * Demo gate traffic: the day before now at Haikou Xinhai port (海口新海港), a truck every 14 minutes
 * over its six lanes, each leaving with goods of a logistics company's zero-tariff book under a
 * release order issued over a real ledger reservation, and two diverts of each kind: unknown plate,
 * container mismatch, bad check digit, overweight, broken seal, selected for inspection, expired
 * order. The diverts open inspection tasks for the inspector's list.
 */
import type { AppContext } from '../../platform/context.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { runCommand } from '../../platform/command.ts';
import type { WriteBatch } from '../../platform/writeBatch.ts';
import type { Tx } from '../../platform/db/client.ts';
import { createApiClient } from '../../platform/auth/service.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { containerCheckDigit } from '../../kernel/iso6346.ts';
import { laneCode, LANES_PER_PORT } from '../../kernel/ports.ts';
import { addItems, fileDocument, openBook, reserveGoods } from '../ledger/service.ts';
import { issueReleaseOrder, openInspectionTask } from './service.ts';
import { decideEventsTx, type EventItem } from './service/events.ts';

const PORT = 'CNHAK-XINHAI';
const TRUCKS = 96;
type Kind =
  | 'PASS'
  | 'UNKNOWN_PLATE'
  | 'CONTAINER_MISMATCH'
  | 'CONTAINER_CHECK_DIGIT'
  | 'OVERWEIGHT'
  | 'SEAL_BROKEN'
  | 'INSPECTION_HOLD'
  | 'ORDER_EXPIRED';
const DIVERTS: Kind[] = [
  'UNKNOWN_PLATE',
  'CONTAINER_MISMATCH',
  'CONTAINER_CHECK_DIGIT',
  'OVERWEIGHT',
  'SEAL_BROKEN',
  'INSPECTION_HOLD',
  'ORDER_EXPIRED',
];

function containerNo(owner: string, serial: number): string {
  const first10 = `${owner}U${String(serial).padStart(6, '0')}`;
  return first10 + containerCheckDigit(first10);
}

export async function seedGateDemo(ctx: AppContext, enterpriseId: string): Promise<void> {
  const actor = systemActor('demo-seed');
  const now = ctx.clock.now();
  const book = await openBook(ctx, actor, { enterpriseId, regime: 'ZERO_TARIFF' });
  const items = await addItems(ctx, actor, book.id, [
    {
      itemNo: 'BEEF-AU-02',
      hsCode: '0202300090',
      name: '冻去骨牛肉 frozen boneless beef',
      specification: '27 kg cartons',
      unit: '千克',
      originCountry: 'AU',
    },
    {
      itemNo: 'PACK-DE-01',
      hsCode: '8479899990',
      name: '包装机零件 packing machine parts',
      specification: 'kits',
      unit: '套',
      originCountry: 'DE',
    },
    {
      itemNo: 'FORK-JP-02',
      hsCode: '8427201000',
      name: '叉车 forklift truck',
      specification: '3 t diesel',
      unit: '台',
      originCountry: 'JP',
    },
  ]);
  await fileDocument(ctx, actor, {
    type: 'FIRST_LINE_IMPORT',
    documentId: uuidv7(now.getTime()),
    bookId: book.id,
    reference: 'XH2026-DEMO-IMPORT',
    lines: [
      { itemId: items[0]!.id, quantity: '500000', importedCny: '30000000.00' },
      { itemId: items[1]!.id, quantity: '200000', importedCny: '16000000.00' },
      { itemId: items[2]!.id, quantity: '50000', importedCny: '900000000.00' },
    ],
  });
  // One gate device per lane, bound to it (the keys are not kept: the demo decides in-process).
  const devices: Actor[] = [];
  for (let lane = 1; lane <= LANES_PER_PORT[PORT]!; lane++) {
    const code = laneCode(PORT, lane);
    const { client } = await runCommand(ctx, 'apiClient.create', (tx) =>
      createApiClient(
        tx,
        { name: `gate-${code.toLowerCase()}`, role: 'gate_device', scope: { portCode: PORT, laneCode: code } },
        actor,
        now,
      ),
    );
    devices.push({
      kind: 'client',
      id: client.id,
      name: client.name,
      role: 'gate_device',
      enterpriseId: null,
      scope: { portCode: PORT, laneCode: code },
    });
  }
  const kinds: Kind[] = Array.from({ length: TRUCKS }, () => 'PASS' as Kind);
  DIVERTS.forEach((k, i) => {
    kinds[5 + i * 6] = k;
    kinds[50 + i * 6] = k;
  });
  // Inside the port view's rolling day (from the hour 23 hours before this one), none in the future.
  const start = Math.floor(now.getTime() / 3600_000) * 3600_000 - 23 * 3600_000;
  // The trucks' release orders in one command, then their gate events decided in one batch through the
  // gate's group-commit path (decideEventsTx): each event gets the answer it would get alone (distinct
  // ids and plates), with a fixed number of statements instead of some twenty per truck. The reservations' and
  // orders' audit entries and events go through the command's write batch: one audit append at its end.
  const events: EventItem[] = [];
  await runCommand(ctx, 'gate.demo.orders', async (tx, batch) => {
    for (let i = 0; i < TRUCKS; i++) await truck(tx, batch, i);
  });
  async function truck(tx: Tx, batch: WriteBatch, i: number): Promise<void> {
    const kind = kinds[i]!;
    const at = new Date(start + i * 14 * 60_000 + 7 * 60_000);
    const device = devices[i % devices.length]!;
    const plate = `琼A${String(60000 + i * 37).slice(0, 5)}`;
    const container = containerNo('HNX', 300000 + i);
    const item = items[i % 3]!;
    const documentId = uuidv7(at.getTime());
    if (kind !== 'UNKNOWN_PLATE') {
      const reservationId = uuidv7(at.getTime());
      await reserveGoods(
        tx,
        ctx,
        {
          reservationId,
          bookId: book.id,
          lines: [{ itemId: item.id, quantity: String(200 + (i % 7) * 50) }],
          purpose: { documentType: 'SECOND_LINE_EXIT', documentId },
          actor,
        },
        batch,
      );
      const expired = kind === 'ORDER_EXPIRED';
      await issueReleaseOrder(
        tx,
        ctx,
        {
          releaseOrderId: uuidv7(at.getTime()),
          enterpriseId,
          documentType: 'SECOND_LINE_EXIT',
          documentId,
          portCode: PORT,
          plate,
          containers: [container],
          seals: [`HNXH-${String(800000 + i)}`],
          expectedGrossWeightKg: String(18000 + (i % 9) * 1000),
          validFrom: new Date(at.getTime() - (expired ? 30 : 2) * 3600_000),
          validTo: new Date(at.getTime() + (expired ? -3600_000 : 12 * 3600_000)),
          reservationIds: [reservationId],
          actor,
        },
        { batch },
      );
      if (kind === 'INSPECTION_HOLD') {
        await openInspectionTask(tx, ctx, {
          source: 'RISK_SELECTION',
          documentType: 'SECOND_LINE_EXIT',
          documentId,
          portCode: PORT,
          reasons: [
            { code: 'RISK_RED', detail: '风险布控 risk level RED: declared value far below the reference price' },
          ],
          actor,
        });
      }
    }
    const weight = 18000 + (i % 9) * 1000 + (kind === 'OVERWEIGHT' ? 2400 : (i % 5) * 40);
    const containers =
      kind === 'CONTAINER_MISMATCH'
        ? [containerNo('TGH', 700000 + i)]
        : kind === 'CONTAINER_CHECK_DIGIT'
          ? [container.slice(0, 10) + String((Number(container[10]) + 1) % 10)]
          : [container];
    events.push({
      e: {
        eventId: `XH-${at.toISOString()}-${i}`,
        portCode: PORT,
        laneCode: String(device.scope!.laneCode),
        direction: 'OUT',
        plate,
        containers,
        weightKg: String(weight),
        sealState: kind === 'SEAL_BROKEN' ? 'BROKEN' : 'INTACT',
        at,
      },
      actor: device,
      opts: { source: 'LIVE' },
    });
  }
  await runCommand(ctx, 'gate.events', async (tx, batch) => {
    for (const outcome of await decideEventsTx(tx, ctx, events, batch)) if ('problem' in outcome) throw outcome.problem;
  });
}
