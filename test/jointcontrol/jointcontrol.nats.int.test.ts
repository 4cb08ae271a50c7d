import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect, JSONCodec, type JetStreamManager, type NatsConnection } from 'nats';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { riskLeaks } from '../support/riskLeaks.ts';
import { exitBody } from '../declarations/helpers.ts';
import { NatsPublisher, type NatsLayout } from '../../src/platform/outbox/nats.ts';
import { instanceId } from '../../src/platform/bootstrap.ts';
import { JOINT_CONTROL_EVENTS } from '../../src/modules/jointcontrol/events.ts';

/**
 * Joint control's events travel on NATS JetStream as every outbox event does: a RED exit opens a case,
 * an officer closes it, and both events are on the internal stream under `<root>.internal.jointControlCase.*`
 * with the payloads their schemas say (no level, score or ground). None is on the shared stream: a
 * department may read only the cases addressed to it (feed and webhook), and the shared stream is read
 * by every department alike.
 */
const NATS_URL = process.env.NATS_URL;
const codec = JSONCodec<{ aggregateType: string; aggregateId: string; eventType: string; payload: unknown }>();

describe.skipIf(!NATS_URL)('joint-control events on NATS JetStream', () => {
  let t: TestApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: NatsPublisher;
  const tag = `tgjc${randomBytes(4).toString('hex')}`;
  const layout: NatsLayout = {
    root: tag,
    internalStream: `${tag.toUpperCase()}_INTERNAL`,
    sharedStream: `${tag.toUpperCase()}_SHARED`,
    duplicateWindowMs: 10 * 60_000,
  };

  beforeAll(async () => {
    t = await startTestApp({ at: new Date('2026-12-02T02:00:00Z') });
    publisher = await NatsPublisher.connect(NATS_URL!, await instanceId(t.ctx), { layout });
    t.ctx.dispatcher.subscribe('nats', (e) => publisher.publish(e));
    nc = await connect({ servers: NATS_URL! });
    jsm = await nc.jetstreamManager();
  });
  afterAll(async () => {
    for (const s of [layout.internalStream, layout.sharedStream]) await jsm?.streams.delete(s).catch(() => undefined);
    await publisher?.close();
    await nc?.close();
    await t?.close();
  });

  async function messages(stream: string) {
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: { subject: string; data: ReturnType<typeof codec.decode> }[] = [];
    for (let s = 1; s <= last; s++) {
      const m = await jsm.streams.getMessage(stream, { seq: s }).catch(() => null);
      if (m) out.push({ subject: m.subject, data: codec.decode(m.data) });
    }
    return out;
  }

  it('a case opened and closed: both events on the internal stream, none on the shared one', async () => {
    const goods = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '100',
          importedCny: '500000',
        },
      ],
    });
    const trader = await t.authFor('enterprise_user', { enterpriseId: goods.enterpriseId });
    const officer = await t.authFor('inspector');
    const stop = await forceRed(t.ctx);
    const body = exitBody(goods.bookId, [
      {
        itemId: goods.itemIds[0]!,
        quantity: '10',
        valueCny: '60000',
        netWeightKg: '30',
        dutyRate: '0.05',
        vatRate: '0.13',
      },
    ]);
    const res = await t.request({ method: 'POST', url: '/api/v1/declarations/exits', auth: trader, body });
    await stop();
    expect(res.statusCode, res.body).toBe(201);
    await t.ctx.dispatcher.drain();
    const list = await t.request({ method: 'GET', url: '/api/v1/jointcontrol/cases', auth: officer });
    const c = (list.json().items as { id: string; declaration: { id: string } }[]).find(
      (x) => x.declaration.id === res.json().id,
    );
    expect(c, list.body).toBeDefined();
    const closed = await t.request({
      method: 'POST',
      url: `/api/v1/jointcontrol/cases/${c!.id}/close`,
      auth: officer,
      body: { reason: 'test: closed to publish a second event' },
    });
    expect(closed.statusCode, closed.body).toBe(200);
    await t.ctx.dispatcher.drain();

    const internal = (await messages(layout.internalStream)).filter((m) => m.data.aggregateId === c!.id);
    expect(internal.map((m) => m.subject)).toEqual([
      `${tag}.internal.jointControlCase.JointControlCaseOpened`,
      `${tag}.internal.jointControlCase.JointControlCaseClosed`,
    ]);
    for (const m of internal) {
      const type = m.data.eventType as keyof typeof JOINT_CONTROL_EVENTS;
      expect(JOINT_CONTROL_EVENTS[type].safeParse(m.data.payload).success, m.subject).toBe(true);
      expect(riskLeaks(m.data.payload), m.subject).toEqual([]);
    }
    expect(internal[0]!.data.payload).toMatchObject({
      caseId: c!.id,
      declarationId: res.json().id,
      departments: expect.arrayContaining(['police', 'market_regulation']),
    });
    const shared = await messages(layout.sharedStream);
    expect(shared.filter((m) => m.subject.includes('jointControl'))).toEqual([]);
  });
});
