/**
 * The gate batcher's queue is bounded: an event that finds it full is refused at once with 503, a
 * Retry-After and a problem naming the rule, and nothing of it is written; the events before it are
 * decided as usual.
 */
import Fastify from 'fastify';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { sendProblem, toProblem } from '../../src/platform/http/problemReply.ts';
import { GateBatcher, queueFullProblem } from '../../src/modules/gate/service/batcher.ts';
import type { GateEventInput } from '../../src/modules/gate/service/events.ts';
import { gateEvents } from '../../src/modules/gate/schema.ts';
import { plate } from './support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A well-formed event of a truck with no release order (decided DIVERT or refused, either way answered). */
function event(): GateEventInput {
  return {
    eventId: uuidv7(),
    portCode: 'CNHAK-XINHAI',
    laneCode: 'L1',
    direction: 'OUT',
    plate: plate(),
    containers: [],
    weightKg: '12000',
    sealState: 'INTACT',
    at: t.ctx.clock.now(),
  };
}

const settle = (p: Promise<unknown>) =>
  p.then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error }),
  );

async function gateEventRows(eventId: string): Promise<number> {
  const [row] = await t.ctx.db.select({ n: count() }).from(gateEvents).where(eq(gateEvents.eventId, eventId));
  return row!.n;
}

describe('the gate batcher queue', () => {
  it('refuses the event past the bound with 503 at once and decides the others', async () => {
    const batcher = new GateBatcher(t.ctx, { maxBatch: 64, maxInFlight: 1, maxQueued: 2 });
    const actor = systemActor('test-gate');
    const events = [event(), event(), event(), event()];
    // The first starts a batch at once; the next two wait for it; the fourth finds the queue full.
    const outcomes = events.map((e) => settle(batcher.submit({ e, actor })));
    expect(batcher.queued).toBe(2);
    const [a, b, c, full] = await Promise.all(outcomes);
    const refused = (full as { error: unknown }).error;
    expect(refused).toBeInstanceOf(Problem);
    expect((refused as Problem).status).toBe(503);
    expect((refused as Problem).extra).toMatchObject({ rule: 'gate.queueFull', retryAfterSeconds: 1, queued: 2 });
    // The three before it were decided (an answer, or the event's own refusal), never the queue's.
    for (const o of [a, b, c]) {
      const error = (o as { error?: unknown }).error;
      if (error) expect((error as Problem).extra?.rule).not.toBe('gate.queueFull');
    }
    expect(batcher.queued).toBe(0);
    expect(await gateEventRows(events[3]!.eventId)).toBe(0);
    // Room again: the same event is taken now.
    const again = await settle(batcher.submit({ e: events[3]!, actor }));
    expect(((again as { error?: Problem }).error as Problem | undefined)?.extra?.rule).not.toBe('gate.queueFull');
  });

  it('answers the refusal as problem+json with Retry-After', async () => {
    const app = Fastify();
    app.setErrorHandler((err, request, reply) => sendProblem(reply, request, toProblem(err)));
    app.post('/api/v1/gate/events', async () => {
      throw queueFullProblem(2000);
    });
    const res = await app.inject({ method: 'POST', url: '/api/v1/gate/events', payload: {} });
    await app.close();
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ status: 503, rule: 'gate.queueFull', retryAfterSeconds: 1, queued: 2000 });
  });
});
