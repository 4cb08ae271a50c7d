import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect, JSONCodec, type JetStreamManager, type NatsConnection } from 'nats';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { riskLeaks } from '../support/riskLeaks.ts';
import { exitBody } from '../declarations/helpers.ts';
import {
  DEFAULT_LAYOUT,
  DUPLICATE_WINDOW_MS,
  NatsPublisher,
  SHARED_EVENTS,
  type NatsLayout,
} from '../../src/platform/outbox/nats.ts';
import { DEFAULT_DISPATCH } from '../../src/platform/outbox/dispatcher.ts';
import { readEventsAfter, type OutboxEvent } from '../../src/platform/outbox/service.ts';
import { instanceId } from '../../src/platform/bootstrap.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';

const NATS_URL = process.env.NATS_URL;
const codec = JSONCodec<{
  id: number;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: Record<string, unknown>;
}>();

/** A layout of its own (subjects and streams no other test run uses), removed afterwards. */
function scratchLayout(windowMs: number): NatsLayout {
  const tag = `tgtest${randomBytes(4).toString('hex')}`;
  return {
    root: tag,
    internalStream: `${tag.toUpperCase()}_INTERNAL`,
    sharedStream: `${tag.toUpperCase()}_SHARED`,
    duplicateWindowMs: windowMs,
  };
}

describe.skipIf(!NATS_URL)('outbox to NATS JetStream', () => {
  let t: TestApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: NatsPublisher;
  const scratch: NatsLayout[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await NatsPublisher.connect(NATS_URL!, await instanceId(t.ctx));
    t.ctx.dispatcher.subscribe('nats', (e) => publisher.publish(e));
    nc = await connect({ servers: NATS_URL! });
    jsm = await nc.jetstreamManager();
  });
  afterAll(async () => {
    for (const l of scratch)
      for (const s of [l.internalStream, l.sharedStream]) await jsm.streams.delete(s).catch(() => undefined);
    await publisher?.close();
    await nc?.close();
    await t?.close();
  });

  /** The messages a stream took after `seq` (another test run may have added its own). */
  async function messagesSince(stream: string, seq: number) {
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out = [];
    for (let s = seq + 1; s <= last; s++) {
      const m = await jsm.streams.getMessage(stream, { seq: s }).catch(() => null);
      if (m) out.push({ subject: m.subject, body: codec.decode(m.data) });
    }
    return out;
  }

  it('every event goes to the internal stream; only the shareable ones also to the shared stream, and no risk verdict there', async () => {
    const before = {
      internal: (await jsm.streams.info(DEFAULT_LAYOUT.internalStream)).state.last_seq,
      shared: (await jsm.streams.info(DEFAULT_LAYOUT.sharedStream)).state.last_seq,
    };
    const admin = await t.authFor('admin', { name: 'admin' });
    const uscc = randomUscc();
    const created = (
      await t.request({
        method: 'POST',
        url: '/api/v1/enterprises',
        auth: admin,
        body: { uscc, name: 'NATS 测试有限公司', registeredInHainan: true },
      })
    ).json();
    // A declaration selected RED: its verdict is an event too.
    const z = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '5',
          importedCny: '25000',
        },
      ],
    });
    const stopRed = await forceRed(t.ctx);
    const auth = await t.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, [
        {
          itemId: z.itemIds[0]!,
          quantity: '5',
          valueCny: '30000',
          netWeightKg: '15',
          dutyRate: '0.05',
          vatRate: '0.13',
        },
      ]),
    });
    await stopRed();
    expect(res.statusCode, res.body).toBe(201);
    const held = res.json();
    await t.ctx.dispatcher.drain();

    const internal = await jsm.streams.info(DEFAULT_LAYOUT.internalStream);
    const shared = await jsm.streams.info(DEFAULT_LAYOUT.sharedStream);
    expect(internal.config.subjects).toEqual(['tidegate.internal.>']);
    expect(shared.config.subjects).toEqual(['tidegate.shared.>']);
    // The verdict is on the internal subject, for Tidegate's own consumers...
    const inside = await messagesSince(DEFAULT_LAYOUT.internalStream, before.internal);
    const verdict = inside.find(
      (m) => m.subject === 'tidegate.internal.declaration.RiskAssessed' && m.body.aggregateId === held.id,
    );
    expect(verdict?.body).toMatchObject({ payload: { level: 'RED', selected: true } });
    expect(
      inside.some(
        (m) => m.subject === 'tidegate.internal.enterprise.EnterpriseRegistered' && m.body.aggregateId === created.id,
      ),
    ).toBe(true);
    // ...and on the shared stream only what departments may be given: the registrations, not the verdict.
    const since = await messagesSince(DEFAULT_LAYOUT.sharedStream, before.shared);
    expect(since.find((m) => m.body.aggregateId === created.id)).toMatchObject({
      subject: 'tidegate.shared.enterprise.EnterpriseRegistered',
      body: { payload: { uscc } },
    });
    expect(since.some((m) => m.body.aggregateId === z.enterpriseId)).toBe(true);
    for (const m of since) {
      const [, , aggregate, type] = m.subject.split('.');
      expect(SHARED_EVENTS[aggregate!], m.subject).toContain(type);
      expect(riskLeaks(m.body), m.subject).toEqual([]);
      expect(JSON.stringify(m.body)).not.toContain(held.id);
    }
    // Ids are remembered far longer than the outbox takes to retry a failed delivery.
    for (const info of [internal, shared])
      expect(info.config.duplicate_window).toBeGreaterThanOrEqual(DUPLICATE_WINDOW_MS * 1_000_000);
    expect(DUPLICATE_WINDOW_MS).toBeGreaterThanOrEqual(4 * DEFAULT_DISPATCH.maxBackoffMs);
  });

  it('an event delivered again is not published twice: within the window, and long after it (a restart)', async () => {
    const layout = scratchLayout(1000);
    scratch.push(layout);
    const source = await instanceId(t.ctx);
    const events = await readEventsAfter(t.ctx.db, 0, 10_000);
    const shareable = events.filter((e) => e.aggregateType === 'enterprise' && e.eventType === 'EnterpriseRegistered');
    const [first, second] = shareable.slice(-2) as [OutboxEvent, OutboxEvent];
    expect(second).toBeTruthy();
    const counts = async () => [
      (await jsm.streams.info(layout.internalStream)).state.messages,
      (await jsm.streams.info(layout.sharedStream)).state.messages,
    ];

    const a = await NatsPublisher.connect(NATS_URL!, source, { layout });
    await a.publish(first);
    await a.publish(first);
    expect(await counts()).toEqual([1, 1]);
    await a.close();

    // The process comes back after the stream forgot the id (window 1 s): it asks the stream first.
    await new Promise((r) => setTimeout(r, 1500));
    const b = await NatsPublisher.connect(NATS_URL!, source, { layout });
    await b.publish(first);
    expect(await counts()).toEqual([1, 1]);
    await b.publish(second);
    expect(await counts()).toEqual([2, 2]);
    await b.close();
    // The control: the window alone no longer stops a copy (another source's id is not ours to judge).
    const other = await NatsPublisher.connect(NATS_URL!, `${source}-other`, { layout });
    await other.publish(first);
    expect(await counts()).toEqual([3, 3]);
    await other.close();
  });

  it('a stream made with a shorter duplicate window (2 minutes, as before) is raised to the outbox bound', async () => {
    const layout = scratchLayout(DUPLICATE_WINDOW_MS);
    scratch.push(layout);
    await jsm.streams.add({
      name: layout.internalStream,
      subjects: [`${layout.root}.internal.>`],
      duplicate_window: 2 * 60 * 1_000_000_000,
    });
    const p = await NatsPublisher.connect(NATS_URL!, 'x', { layout });
    await p.close();
    expect((await jsm.streams.info(layout.internalStream)).config.duplicate_window).toBe(
      DUPLICATE_WINDOW_MS * 1_000_000,
    );
    expect((await jsm.streams.info(layout.sharedStream)).config.duplicate_window).toBe(DUPLICATE_WINDOW_MS * 1_000_000);
  });
});
