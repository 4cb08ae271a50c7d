import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { startTestApp, type TestApp } from '../support/app.ts';
import { NatsPublisher, STREAM } from '../../src/platform/outbox/nats.ts';
import { instanceId } from '../../src/platform/bootstrap.ts';
import { demoUscc } from '../../src/seed/demo.ts';

const NATS_URL = process.env.NATS_URL;

describe.skipIf(!NATS_URL)('outbox to NATS JetStream', () => {
  let t: TestApp;
  let nc: NatsConnection;
  let publisher: NatsPublisher;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await NatsPublisher.connect(NATS_URL!, await instanceId(t.ctx));
    t.ctx.dispatcher.subscribe('nats', (e) => publisher.publish(e));
    nc = await connect({ servers: NATS_URL! });
  });
  afterAll(async () => {
    await publisher?.close();
    await nc?.close();
    await t?.close();
  });

  it('publishes each committed event once to the stream, deduplicated on redelivery', async () => {
    const admin = await t.authFor('admin', { name: 'admin' });
    const uscc = demoUscc('91460100MA5TNAT01');
    const created = (await t.request({ method: 'POST', url: '/api/v1/enterprises', auth: admin, body: { uscc, name: 'NATS 测试有限公司', registeredInHainan: true } })).json();
    await t.ctx.dispatcher.drain();

    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(STREAM);
    expect(info.config.subjects).toContain('tidegate.events.>');
    const msg = await jsm.streams.getMessage(STREAM, { last_by_subj: 'tidegate.events.enterprise.EnterpriseRegistered' });
    const body = JSONCodec<{ aggregateId: string; payload: { uscc: string } }>().decode(msg.data);
    expect(body.aggregateId).toBe(created.id);
    expect(body.payload.uscc).toBe(uscc);

    // A redelivery (e.g. after a crash before the cursor moved) is dropped by the stream's dedupe window.
    const before = (await jsm.streams.info(STREAM)).state.messages;
    const { readEventsAfter } = await import('../../src/platform/outbox/service.ts');
    const [event] = (await readEventsAfter(t.ctx.db, 0, 1000)).filter((e) => e.aggregateId === created.id);
    await publisher.publish(event!);
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(before);
  });
});
