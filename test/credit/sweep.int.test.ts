import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { demoUscc, DEMO_ENTERPRISES } from '../../src/seed/demo.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import {
  changesAfter,
  classHistory,
  creditClassOf,
  creditMeasuresOf,
  recordInput,
  sweep,
  type RecordInputRequest,
} from '../../src/modules/credit/service.ts';
import { msUntilNextRun, scheduleDailySweep } from '../../src/modules/credit/scheduler.ts';
import { classify, type CreditInput } from '../../src/modules/credit/rules.ts';
import { addDays } from '../../src/modules/credit/dates.ts';
import { findEnterpriseByUscc } from '../../src/modules/subjects/service.ts';

const SEEDED = new Date('2026-03-01T04:00:00Z');
let t: TestApp;
let admin: string;
const officer = systemActor('test-officer');

beforeAll(async () => {
  t = await startTestApp({ at: SEEDED, seedDemo: true });
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
  await t?.close();
});

async function enterprise(org: string): Promise<string> {
  const uscc = demoUscc(`91460100${org}`);
  expect(
    (
      await t.request({
        method: 'POST',
        url: '/api/v1/enterprises',
        auth: admin,
        body: { uscc, name: `清扫测试 ${org}`, registeredInHainan: true },
      })
    ).statusCode,
  ).toBe(201);
  return uscc;
}

const penalty = (subject: string, effectiveDate: string): RecordInputRequest => ({
  subjectKind: 'ENTERPRISE',
  subject,
  source: 'customs',
  effectiveDate,
  input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
});
const classOn = async (uscc: string, date?: string) =>
  (await creditClassOf(t.ctx.db, { kind: 'ENTERPRISE', code: uscc }, date ?? shanghaiDate(t.clock.now()))).class;
const feed = async () => (await changesAfter(t.ctx.db, 0, 1000)).items;

describe('demo data', () => {
  it('has every class, and the logistics company leaves FOCUS by itself a week after seeding', async () => {
    const uscc = (key: string) => DEMO_ENTERPRISES.find((e) => e.key === key)!.uscc;
    expect(await classOn(uscc('equipment'))).toBe('ADVANCED_CERTIFIED');
    // What risk and declarations ask, inside their own transaction, by enterprise id.
    const equipment = (await findEnterpriseByUscc(t.ctx.db, uscc('equipment')))!;
    const measures = await t.ctx.db.transaction((tx) =>
      creditMeasuresOf(tx, { enterpriseId: equipment.id }, '2026-03-01'),
    );
    expect(measures).toMatchObject({
      class: 'ADVANCED_CERTIFIED',
      inspectionRate: { kind: 'MULTIPLIER', multiplier: '0.2' },
      batchExitAllowed: true,
      auditFrequency: 'REDUCED',
    });
    expect(await classOn(uscc('logistics'))).toBe('FOCUS');
    expect(await classOn(uscc('cosmetics'))).toBe('FOCUS');
    expect(await classOn(uscc('mainland'))).toBe('WHITELIST');
    expect(await classOn(uscc('jerky'))).toBe('WHITELIST');
    const stats = (await t.request({ method: 'GET', url: '/api/v1/credit/stats', auth: admin })).json().items;
    // The credit demo's traveller; the five of the duty-free demo's confirmed resale case join the list when the
    // outbox delivers that case's credit inputs, which may come after this look (so: at least the one).
    const focusIndividuals = stats.find(
      (s: { subjectKind: string; class: string; count: number | string }) =>
        s.subjectKind === 'INDIVIDUAL' && s.class === 'FOCUS',
    );
    expect(Number(focusIndividuals?.count)).toBeGreaterThanOrEqual(1);
    const logistics = await creditClassOf(t.ctx.db, { kind: 'ENTERPRISE', code: uscc('logistics') }, '2026-03-01');
    expect(logistics).toMatchObject({ validUntil: '2026-03-08', nextChange: '2026-03-08' });

    // Deliver what the demo left in the outbox (the resale case's credit inputs) before the clock moves.
    await t.ctx.dispatcher.drain();
    t.clock.set(new Date('2026-03-07T16:05:00Z')); // 00:05 on 2026-03-08, Asia/Shanghai
    try {
      const result = await sweep(t.ctx, '2026-03-08');
      expect(result.changed).toBe(1);
      const last = (await feed()).filter((c: { subject: string }) => c.subject === uscc('logistics')).at(-1)!;
      expect(last).toMatchObject({
        subject: uscc('logistics'),
        from: 'FOCUS',
        to: 'WHITELIST',
        effectiveDate: '2026-03-08',
        cause: 'automatic (daily sweep)',
      });
      // The history shows the whole story: listed three years ago, removed automatically.
      const history = await classHistory(t.ctx, officer, 'ENTERPRISE', uscc('logistics'));
      expect(history.timeline.map((c: { date: string; to: string }) => `${c.date} ${c.to}`)).toEqual([
        '2023-03-08 FOCUS',
        '2026-03-08 WHITELIST',
      ]);
      expect((await sweep(t.ctx, '2026-03-08')).changed).toBe(0);
    } finally {
      t.clock.set(SEEDED);
    }
  });
});

describe('day boundaries in Asia/Shanghai', () => {
  it('the period ends at midnight Shanghai time, not UTC: FOCUS at 23:59:59.999, WHITELIST at 00:00', async () => {
    const uscc = await enterprise('MA5TDAY01');
    await recordInput(t.ctx, officer, penalty(uscc, '2026-02-10'));
    try {
      t.clock.set(new Date('2029-02-09T15:59:59.999Z'));
      expect(shanghaiDate(t.clock.now())).toBe('2029-02-09');
      expect(await classOn(uscc)).toBe('FOCUS');
      await sweep(t.ctx, shanghaiDate(t.clock.now()));
      expect((await feed()).filter((c) => c.subject === uscc).map((c) => c.to)).toEqual(['FOCUS']);

      t.clock.set(new Date('2029-02-09T16:00:00Z'));
      expect(shanghaiDate(t.clock.now())).toBe('2029-02-10');
      // Read before the sweep: the stored FOCUS has reached its review day and is not served.
      expect(await classOn(uscc)).toBe('WHITELIST');
      await sweep(t.ctx, shanghaiDate(t.clock.now()));
      expect((await feed()).filter((c) => c.subject === uscc).map((c) => `${c.effectiveDate} ${c.to}`)).toEqual([
        '2026-03-01 FOCUS',
        '2029-02-10 WHITELIST',
      ]);
    } finally {
      t.clock.set(SEEDED);
    }
  });

  it('the in-process schedule sweeps at 00:05 Shanghai time and again every day', async () => {
    const uscc = await enterprise('MA5TDAY02');
    await recordInput(t.ctx, officer, penalty(uscc, '2026-02-20'));
    const timers: { fn: () => void; ms: number }[] = [];
    try {
      t.clock.set(new Date('2029-02-19T15:00:00Z')); // 23:00 on 2029-02-19 in Shanghai
      const stop = scheduleDailySweep(t.ctx, { set: (fn, ms) => timers.push({ fn, ms }), clear: () => {} });
      // It sweeps once at start (catching up), then waits for 00:05.
      // The sweep's statements run first: waited for as long as a loaded machine needs (not timed).
      await vi.waitFor(() => expect(timers).toHaveLength(1), { timeout: 60_000 });
      expect(timers[0]!.ms).toBe(65 * 60_000);
      expect(timers[0]!.ms).toBe(msUntilNextRun(t.clock.now()));
      expect(await classOn(uscc)).toBe('FOCUS');

      t.clock.set(new Date('2029-02-19T16:05:00Z')); // the timer fires at 00:05 on 2029-02-20
      timers[0]!.fn();
      await vi.waitFor(() => expect(timers).toHaveLength(2), { timeout: 60_000 });
      expect(timers[1]!.ms).toBe(24 * 3600_000);
      expect(
        (await feed())
          .filter((c) => c.subject === uscc)
          .map((c) => `${c.effectiveDate} ${c.to} ${c.cause}`)
          .at(-1),
      ).toBe('2029-02-20 WHITELIST automatic (daily sweep)');
      stop();
    } finally {
      t.clock.set(SEEDED);
    }
  });
});

describe('concurrency', () => {
  it('concurrent inputs for one subject: every published change follows the previous one and the stored class is the derived one', async () => {
    const uscc = await enterprise('MA5TCNC01');
    const departments = ['tax', 'maritime', 'transport'];
    const requests: RecordInputRequest[] = [];
    for (let i = 0; i < 18; i++) {
      const department = departments[i % 3]!;
      requests.push({
        subjectKind: 'ENTERPRISE',
        subject: uscc,
        source: department,
        effectiveDate: addDays('2026-01-01', i),
        input: { type: 'SECTOR_RATING', department, level: i % 2 ? 'B' : 'D', isLowestLevel: i % 2 === 0 },
      });
    }
    requests.push(
      { ...penalty(uscc, '2025-12-01') },
      {
        subjectKind: 'ENTERPRISE',
        subject: uscc,
        source: 'customs',
        effectiveDate: '2025-11-01',
        input: { type: 'AEO', action: 'GRANTED' },
      },
    );
    await Promise.all(requests.map((r) => recordInput(t.ctx, officer, r)));

    const changes = (await feed()).filter((c) => c.subject === uscc);
    let current = 'WHITELIST';
    for (const c of changes) {
      expect(c.from).toBe(current);
      expect(c.to).not.toBe(c.from);
      current = c.to;
    }
    const items = (
      await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/inputs`, auth: admin })
    ).json().items;
    expect(items).toHaveLength(20);
    const inputs = items.map(
      (i: {
        id: string;
        type: string;
        source: string;
        effectiveDate: string;
        department?: string;
        level?: string;
        isLowestLevel?: boolean;
        kind?: string;
        action?: string;
      }) => ({ ...i, subjectKind: 'ENTERPRISE' }),
    ) as CreditInput[];
    const derived = classify('ENTERPRISE', inputs, '2026-03-01', {
      focusPeriodYears: 3,
      individualFocusPeriodYears: 3,
    }).class;
    expect(current).toBe(derived);
    expect(await classOn(uscc)).toBe(derived);
  });

  it('two sweeps at once (two API processes at 00:05) publish each automatic removal once', async () => {
    const codes = [await enterprise('MA5TCNC02'), await enterprise('MA5TCNC03'), await enterprise('MA5TCNC04')];
    for (const c of codes) await recordInput(t.ctx, officer, penalty(c, '2023-03-05'));
    try {
      t.clock.set(new Date('2026-03-04T16:05:00Z'));
      const [a, b] = await Promise.all([sweep(t.ctx, '2026-03-05'), sweep(t.ctx, '2026-03-05')]);
      expect(a.changed + b.changed).toBe(3);
      const removals = (await feed()).filter((c) => codes.includes(c.subject) && c.to === 'WHITELIST');
      expect(removals.map((c) => c.subject).sort()).toEqual([...codes].sort());
    } finally {
      t.clock.set(SEEDED);
    }
  });
});

describe('policy parameters', () => {
  it('a new focus period takes effect on its day: reads use it at once and the sweep republishes the classes', async () => {
    const uscc = await enterprise('MA5TPRM01');
    await recordInput(t.ctx, officer, penalty(uscc, '2022-06-01'));
    expect(await classOn(uscc)).toBe('WHITELIST');
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/parameters',
      auth: admin,
      body: {
        name: 'credit.focusPeriodYears',
        value: 2.5,
        validFrom: '2026-03-01',
        reason: 'a typo that must not reach the rules',
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ path: 'value', rule: 'credit.parameters.focusPeriodYears' }),
    ]);
    const set = await t.request({
      method: 'POST',
      url: '/api/v1/parameters',
      auth: admin,
      body: {
        name: 'credit.focusPeriodYears',
        value: 5,
        validFrom: '2026-03-01',
        reason: 'Focus period extended to five years (test).',
      },
    });
    expect(set.statusCode).toBe(201);
    const now = await creditClassOf(t.ctx.db, { kind: 'ENTERPRISE', code: uscc }, '2026-03-01');
    expect(now).toMatchObject({ class: 'FOCUS', validUntil: '2027-06-01' });
    expect(now.parameterVersions['credit.focusPeriodYears']).toBe(set.json().version ?? set.json().id);
    expect(await classOn(uscc, '2026-02-28')).toBe('WHITELIST');
    const swept = await sweep(t.ctx, '2026-03-01');
    expect(swept.changed).toBeGreaterThanOrEqual(1);
    expect((await feed()).filter((c) => c.subject === uscc).map((c) => c.to)).toEqual(['FOCUS']);
  });
});
