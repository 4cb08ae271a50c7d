import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { exitBody, jerkyMaker } from '../declarations/helpers.ts';
import { runCommand } from '../../src/platform/command.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { verifyChain } from '../../src/platform/audit/service.ts';

/**
 * The value-added review (加工增值复核) along an exit's life: the GACC example's jerky maker (356,000 CNY
 * of beef made into 800 kg of jerky) sells at prices whose ratio is in the review band [0.30, 0.35)
 * (463,000 → 0.3006), above it (500,000 → 0.4045) or below the threshold (450,000 → 0.2640).
 * A review leaves the queue when its exit is cancelled or amended, a batch exit waits for it as a
 * single exit does, and an inspection's correction asks again whether the ratio needs one.
 */
let app: TestApp;
let inspector: string;
let logins = 0;

async function setParam(name: string, value: string) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

beforeAll(async () => {
  app = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
  inspector = await app.authFor('inspector', { name: 'inspector-lin' });
}, 600_000);

afterAll(async () => {
  await app?.close();
});

const post = (url: string, body: unknown, auth: string) => app.request({ method: 'POST', url, body, auth });
const get = async (url: string, auth: string) => (await app.request({ method: 'GET', url, auth })).json();

/** A jerky maker, its login and an exit body of all 800 kg at `price`. */
async function maker() {
  const m = await jerkyMaker(app);
  const auth = await app.authFor('enterprise_user', { enterpriseId: m.enterpriseId, name: `jerky-${++logins}` });
  const body = (price: string) =>
    exitBody(m.bookId, [{ itemId: m.jerkyId, quantity: '800', valueCny: price, netWeightKg: '800' }]);
  return { ...m, auth, body };
}

async function reviewsOf(declarationId: string, status = 'PENDING') {
  const items = (await get(`/api/v1/value-added/reviews?status=${status}`, inspector)).items;
  return items.filter((r: { declarationId: string | null }) => r.declarationId === declarationId);
}

async function auditOf(subject: string) {
  return queryRows<{ action: string; change: string }>(
    app.ctx.db,
    sql`select action, change from audit_entries where subject = ${subject} order by seq`,
  );
}

async function inspect(taskId: string, corrections: unknown[]) {
  for (const step of ['start', 'complete']) {
    const body =
      step === 'start' ? {} : { attended: true, outcome: 'DISCREPANCY', corrections, disposition: 'RELEASE' };
    const res = await post(`/api/v1/inspection/tasks/${taskId}/${step}`, body, inspector);
    expect(res.statusCode, res.body).toBe(200);
  }
  await app.ctx.dispatcher.drain();
}

describe('a review whose exit is withdrawn leaves the queue', () => {
  it('cancelled: the review is CLOSED with the reason, audited, and cannot be decided any more', async () => {
    const m = await maker();
    const res = await post('/api/v1/declarations/exits', m.body('463000'), m.auth);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('ACCEPTED');
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.3006', review: 'PENDING' });
    const [review] = await reviewsOf(d.id);
    expect(review).toBeTruthy();

    const cancel = await post(`/api/v1/declarations/${d.id}/cancel`, { reason: 'buyer withdrew' }, m.auth);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await reviewsOf(d.id)).toEqual([]);
    const [closed] = await reviewsOf(d.id, 'CLOSED');
    expect(closed).toMatchObject({ id: review!.id, status: 'CLOSED' });
    expect(closed!.reason).toContain('buyer withdrew');
    const audit = await auditOf(`value-added-review:${review!.id}`);
    expect(audit.map((a) => a.action)).toEqual(['valueAdded.review.requested', 'valueAdded.review.closed']);
    expect(JSON.parse(audit[1]!.change)).toMatchObject({ declarationId: d.id, lineIndex: 0, ratio: '0.3006' });

    const late = await post(`/api/v1/value-added/reviews/${review!.id}/decision`, { decision: 'APPROVE' }, inspector);
    expect(late.statusCode, late.body).toBe(409);
    expect(late.headers['content-type']).toContain('application/problem+json');
    expect(late.json().errors[0]).toMatchObject({ rule: 'valueAdded.reviewDecided' });
    await app.ctx.dispatcher.drain();
    expect((await get(`/api/v1/declarations/${d.id}`, m.auth)).state).toBe('CANCELLED');
    expect((await verifyChain(app.ctx.db)).ok).toBe(true);
  });

  it("amended: the old version's review is closed; the new version, above the band, is released", async () => {
    const m = await maker();
    const d = (await post('/api/v1/declarations/exits', m.body('463000'), m.auth)).json();
    expect(d.state).toBe('ACCEPTED');
    const [review] = await reviewsOf(d.id);
    const amended = await post(`/api/v1/declarations/${d.id}/amend`, m.body('500000'), m.auth);
    expect(amended.statusCode, amended.body).toBe(201);
    expect(amended.json()).toMatchObject({ state: 'RELEASED' });
    expect(await reviewsOf(d.id)).toEqual([]);
    const [closed] = await reviewsOf(d.id, 'CLOSED');
    expect(closed).toMatchObject({ id: review!.id });
    expect(closed!.reason).toMatch(/amended/);
  });
});

describe('a batch exit (分批出岛) whose exemption rests on a ratio in the review band', () => {
  it('waits ACCEPTED without a release list until the officer decides; approved, it leaves duty-exempt', async () => {
    const m = await maker();
    const res = await post('/api/v1/declarations/batches', m.body('463000'), m.auth);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({ kind: 'BATCH_EXIT', state: 'ACCEPTED', taxes: null });
    expect(d.releaseOrderId ?? null).toBeNull();
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.3006', review: 'PENDING', confirmationNumber: null });
    expect(d.stateReason).toMatch(/review of the value-added ratio/);
    const [review] = await reviewsOf(d.id);
    expect(review).toMatchObject({ ratio: '0.3006', lineIndex: 0 });

    const ok = await post(`/api/v1/value-added/reviews/${review.id}/decision`, { decision: 'APPROVE' }, inspector);
    expect(ok.statusCode, ok.body).toBe(200);
    await app.ctx.dispatcher.drain();
    const after = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(after.state).toBe('RELEASED');
    expect(after.releaseOrderId).toBeTruthy();
    // Exempt; its confirmation number and taxes come with the month's centralized declaration.
    expect(after.lines[0].valueAdded).toMatchObject({
      review: 'APPROVED',
      meetsThreshold: true,
      confirmationNumber: null,
    });
    expect(after.taxes).toBeNull();
    expect(after.taxBills ?? []).toHaveLength(0);
  });

  it('rejected: it leaves on its release list with the line below the threshold (duty with the month)', async () => {
    const m = await maker();
    const d = (await post('/api/v1/declarations/batches', m.body('463000'), m.auth)).json();
    expect(d.state).toBe('ACCEPTED');
    const [review] = await reviewsOf(d.id);
    const no = await post(
      `/api/v1/value-added/reviews/${review.id}/decision`,
      { decision: 'REJECT', reason: 'energy records do not support the ratio' },
      inspector,
    );
    expect(no.statusCode, no.body).toBe(200);
    await app.ctx.dispatcher.drain();
    const after = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(after.state).toBe('RELEASED');
    expect(after.lines[0].valueAdded).toMatchObject({ review: 'REJECTED', meetsThreshold: false });
    expect(after.taxes).toBeNull();
  });

  it('above the band, a batch is released at once, as before', async () => {
    const m = await maker();
    const d = (await post('/api/v1/declarations/batches', m.body('500000'), m.auth)).json();
    expect(d.state).toBe('RELEASED');
    expect(await reviewsOf(d.id)).toEqual([]);
  });
});

describe("an inspection's correction asks again whether the ratio needs a review", () => {
  /** An exit the risk engine holds for inspection (every declaration selected while it is filed). */
  async function held(m: Awaited<ReturnType<typeof maker>>, price: string) {
    await setParam('risk.randomFloorRate', '1');
    const res = await post('/api/v1/declarations/exits', m.body(price), m.auth);
    await setParam('risk.randomFloorRate', '0');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().state).toBe('HELD');
    return res.json();
  }

  it('corrected into the band: the number is withdrawn, a review is queued and the exit waits for it', async () => {
    const m = await maker();
    const d = await held(m, '500000');
    const number = d.lines[0].valueAdded.confirmationNumber;
    expect(number).toBeTruthy();
    await inspect(d.inspectionTaskId, [{ lineIndex: 0, valueCny: '463000' }]);
    const after = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(after.state).toBe('ACCEPTED');
    expect(after.releaseOrderId ?? null).toBeNull();
    expect(after.lines[0].valueAdded).toMatchObject({ ratio: '0.3006', review: 'PENDING', confirmationNumber: null });
    const [review] = await reviewsOf(d.id);
    expect(review).toMatchObject({ ratio: '0.3006', lineIndex: 0, id: after.lines[0].valueAdded.reviewId });

    const ok = await post(`/api/v1/value-added/reviews/${review.id}/decision`, { decision: 'APPROVE' }, inspector);
    expect(ok.statusCode, ok.body).toBe(200);
    await app.ctx.dispatcher.drain();
    const released = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(released.state).toBe('RELEASED');
    expect(released.lines[0].valueAdded).toMatchObject({ review: 'APPROVED', meetsThreshold: true });
    expect(released.lines[0].valueAdded.confirmationNumber).toBeTruthy();
    expect(released.taxBills.map((b: { duty: string }) => b.duty)).toEqual(['0.00']);
  });

  it('corrected out of the band: the pending review is closed and the exit goes on on its new ratio', async () => {
    const m = await maker();
    const d = await held(m, '463000');
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.3006', review: 'PENDING' });
    const [review] = await reviewsOf(d.id);
    await inspect(d.inspectionTaskId, [{ lineIndex: 0, valueCny: '500000' }]);
    const after = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(after.state).toBe('RELEASED');
    expect(after.lines[0].valueAdded).toMatchObject({ ratio: '0.4045', meetsThreshold: true });
    expect(after.lines[0].valueAdded.review).toBeUndefined();
    expect(after.lines[0].valueAdded.confirmationNumber).toBeTruthy();
    expect(await reviewsOf(d.id)).toEqual([]);
    const [closed] = await reviewsOf(d.id, 'CLOSED');
    expect(closed).toMatchObject({ id: review.id });
    expect(closed.reason).toMatch(/out of the review band/);
    const late = await post(
      `/api/v1/value-added/reviews/${review.id}/decision`,
      { decision: 'REJECT', reason: 'x' },
      inspector,
    );
    expect(late.statusCode).toBe(409);
  });

  it('a released exit corrected into the band and then rejected owes the duty on a supplementary bill', async () => {
    const m = await maker();
    const d = (await post('/api/v1/declarations/exits', m.body('500000'), m.auth)).json();
    expect(d.state).toBe('RELEASED');
    const opened = await post(
      '/api/v1/inspection/tasks',
      {
        documentType: 'SECOND_LINE_EXIT',
        documentId: d.id,
        portCode: d.portCode,
        reasons: [{ code: 'PRICE_CHECK', detail: 'invoice price above the buyer contract' }],
      },
      inspector,
    );
    expect(opened.statusCode, opened.body).toBe(200);
    await inspect(opened.json().taskId, [{ lineIndex: 0, valueCny: '463000' }]);
    const after = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(after.lines[0].valueAdded).toMatchObject({ ratio: '0.3006', review: 'PENDING', confirmationNumber: null });
    const [review] = await reviewsOf(d.id);
    expect(review).toBeTruthy();
    const no = await post(
      `/api/v1/value-added/reviews/${review.id}/decision`,
      { decision: 'REJECT', reason: 'work hours do not support the ratio' },
      inspector,
    );
    expect(no.statusCode, no.body).toBe(200);
    await app.ctx.dispatcher.drain();
    const billed = await get(`/api/v1/declarations/${d.id}`, m.auth);
    expect(billed.lines[0].valueAdded).toMatchObject({ review: 'REJECTED', meetsThreshold: false });
    // Duty 356,000 × 12% = 42,720.00, and the VAT on it 42,720 × 9% = 3,844.80, owed beyond the first bill.
    expect(billed.taxBills.map((b: { kind: string; total: string }) => `${b.kind} ${b.total}`)).toEqual([
      'ORIGINAL 32040.00',
      'SUPPLEMENTARY 46564.80',
    ]);
  });
});
