import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, ADMIN_PASSWORD, type TestApp } from '../support/app.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { checkAuditedBatch } from '../../src/modules/credit/service.ts';

let t: TestApp;
let admin: string;
let tax: string;
let customs: string;

const START = new Date('2026-03-01T04:00:00Z');

beforeAll(async () => {
  t = await startTestApp({ at: START });
  admin = await t.authFor('admin', { name: 'admin' });
  tax = await t.authFor('department', { name: 'tax-bureau' });
  customs = await t.authFor('department', { name: 'haikou-customs' });
});
afterAll(async () => {
  await t?.close();
});

async function enterprise(org: string): Promise<string> {
  const uscc = demoUscc(`91460100${org}`);
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/enterprises',
    auth: admin,
    body: { uscc, name: `信用测试 ${org}`, registeredInHainan: true },
  });
  expect(res.statusCode).toBe(201);
  return uscc;
}

const input = (
  auth: string,
  subject: string,
  effectiveDate: string,
  body: object,
  source = 'customs',
  extra: object = {},
) =>
  t.request({
    method: 'POST',
    url: '/api/v1/credit/inputs',
    auth,
    body: { subjectKind: 'ENTERPRISE', subject, source, effectiveDate, input: body, ...extra },
  });

const credit = async (uscc: string, asOf?: string, auth = admin) =>
  (
    await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}${asOf ? `?asOf=${asOf}` : ''}`, auth })
  ).json();

async function loginAdmin(): Promise<string> {
  return `Bearer ${(await t.request({ method: 'POST', url: '/api/v1/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } })).json().token}`;
}

/** Counts rows the command may have written, to prove a refusal wrote nothing. */
async function footprint() {
  const audit = (await t.request({ method: 'POST', url: '/api/v1/audit/verify', auth: admin })).json();
  const feed = (
    await t.request({ method: 'GET', url: '/api/v1/credit/changes?after=0&limit=1000', auth: admin })
  ).json();
  return { audit: audit.checked as number, feed: feed.items.length as number };
}

describe('credit classification over the API', () => {
  it('a new enterprise is WHITELIST automatically, with a reason', async () => {
    const uscc = await enterprise('MA5TCRED1');
    const c = await credit(uscc);
    expect(c).toMatchObject({
      class: 'WHITELIST',
      asOf: '2026-03-01',
      reasons: [{ rule: 'credit.whitelist.default', source: 'customs', inputs: [] }],
      nextChange: null,
    });
    expect(Object.keys(c.parameterVersions).sort()).toEqual([
      'credit.focusPeriodYears',
      'credit.individualFocusPeriodYears',
    ]);
  });

  it('a smuggling penalty: FOCUS until three years have passed, shown with the input behind it; the sweep removes it automatically', async () => {
    const uscc = await enterprise('MA5TCRED2');
    const res = await input(customs, uscc, '2026-02-10', { type: 'EVENT', kind: 'SMUGGLING_PENALTY' }, 'customs', {
      reference: '琼关缉违字〔2026〕7号',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ class: 'FOCUS', classChanged: true, alreadyRecorded: false });
    const c = await credit(uscc);
    expect(c).toMatchObject({ class: 'FOCUS', validUntil: '2029-02-10', nextChange: '2029-02-10' });
    expect(c.reasons).toEqual([
      {
        rule: 'credit.focus.legalEvent',
        source: 'customs',
        inputIds: [res.json().inputId],
        since: '2026-02-10',
        until: '2029-02-10',
        inputs: [
          {
            id: res.json().inputId,
            type: 'EVENT',
            kind: 'SMUGGLING_PENALTY',
            source: 'customs',
            effectiveDate: '2026-02-10',
            reference: '琼关缉违字〔2026〕7号',
          },
        ],
      },
    ]);
    expect((await credit(uscc, '2029-02-09')).class).toBe('FOCUS');
    expect((await credit(uscc, '2029-02-10')).class).toBe('WHITELIST');
    expect((await credit(uscc, '2026-02-09')).class).toBe('WHITELIST');

    t.clock.set(new Date('2029-02-09T16:05:00Z')); // 00:05 on 2029-02-10 in Asia/Shanghai
    try {
      expect(shanghaiDate(t.clock.now())).toBe('2029-02-10');
      const later = await loginAdmin();
      // Before the sweep has run the stored FOCUS is past its review day: the read derives WHITELIST.
      expect((await credit(uscc, undefined, later)).class).toBe('WHITELIST');
      const swept = (await t.request({ method: 'POST', url: '/api/v1/credit/sweep', auth: later })).json();
      expect(swept.changed).toBeGreaterThanOrEqual(1);
      expect(await credit(uscc, undefined, later)).toMatchObject({
        class: 'WHITELIST',
        asOf: '2029-02-10',
        reasons: [{ rule: 'credit.whitelist.default', since: '2029-02-10' }],
      });
      const history = (
        await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/history`, auth: later })
      ).json();
      expect(
        history.items.map(
          (h: { to: string; effectiveDate: string; cause: string }) => `${h.effectiveDate} ${h.to} ${h.cause}`,
        ),
      ).toEqual([`2026-03-01 FOCUS input ${res.json().inputId}`, '2029-02-10 WHITELIST automatic (daily sweep)']);
      expect(history.timeline.map((h: { date: string; to: string }) => `${h.date} ${h.to}`)).toEqual([
        '2026-02-10 FOCUS',
        '2029-02-10 WHITELIST',
      ]);
      // Each published change traces to an audit entry whose digest covers it.
      for (const item of history.items)
        expect(await checkAuditedBatch(t.ctx.db, item.auditSeq)).toMatchObject({ rows: 1, digestMatches: true });
    } finally {
      t.clock.set(START);
    }
  });

  it('a lowest sector rating is FOCUS until that department raises it; AEO counts only without FOCUS', async () => {
    const uscc = await enterprise('MA5TCRED3');
    expect((await input(customs, uscc, '2026-01-05', { type: 'AEO', action: 'GRANTED' })).json().class).toBe(
      'ADVANCED_CERTIFIED',
    );
    expect(
      (
        await input(
          tax,
          uscc,
          '2026-02-01',
          { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true },
          'tax',
        )
      ).json().class,
    ).toBe('FOCUS');
    expect((await credit(uscc)).reasons).toMatchObject([
      {
        rule: 'credit.focus.lowestSectorRating',
        source: 'tax',
        since: '2026-02-01',
        inputs: [{ level: 'D', isLowestLevel: true, department: 'tax' }],
      },
    ]);
    expect((await credit(uscc)).reasons[0].until).toBeUndefined();
    expect(
      (
        await input(
          tax,
          uscc,
          '2026-02-20',
          { type: 'SECTOR_RATING', department: 'tax', level: 'B', isLowestLevel: false },
          'tax',
        )
      ).json().class,
    ).toBe('ADVANCED_CERTIFIED');
    const history = (
      await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/history`, auth: admin })
    ).json();
    expect(history.timeline.map((h: { date: string; to: string }) => `${h.date} ${h.to}`)).toEqual([
      '2026-01-05 ADVANCED_CERTIFIED',
      '2026-02-01 FOCUS',
      '2026-02-20 ADVANCED_CERTIFIED',
    ]);
  });

  it('a withdrawn input stops counting from its withdrawal date; history before stays reproducible', async () => {
    const uscc = await enterprise('MA5TCRED4');
    const { inputId } = (
      await input(customs, uscc, '2026-02-15', { type: 'EVENT', kind: 'SERIOUS_DISHONESTY_LISTING' })
    ).json();
    const w = await t.request({
      method: 'POST',
      url: `/api/v1/credit/inputs/${inputId}/withdraw`,
      auth: admin,
      body: { reason: '名单认定有误 listed in error' },
    });
    expect(w.json()).toMatchObject({ class: 'WHITELIST', classChanged: true, withdrawnOn: '2026-03-01' });
    expect((await credit(uscc, '2026-02-20')).class).toBe('FOCUS');
    expect((await credit(uscc)).class).toBe('WHITELIST');
    const inputs = (
      await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/inputs`, auth: admin })
    ).json().items;
    expect(inputs).toMatchObject([
      {
        id: inputId,
        withdrawn: { date: '2026-03-01', reason: '名单认定有误 listed in error' },
        recordedBy: 'client:haikou-customs',
      },
    ]);
    const again = await t.request({
      method: 'POST',
      url: `/api/v1/credit/inputs/${inputId}/withdraw`,
      auth: admin,
      body: { reason: 'twice' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('departments follow changes through the cursor feed; enterprise users see only their own class', async () => {
    const feed = (
      await t.request({ method: 'GET', url: '/api/v1/credit/changes?after=0&limit=1000', auth: tax })
    ).json();
    expect(feed.items.length).toBeGreaterThanOrEqual(4);
    const seqs = feed.items.map((i: { seq: number }) => i.seq);
    expect([...seqs].sort((a: number, b: number) => a - b)).toEqual(seqs);
    const next = (
      await t.request({ method: 'GET', url: `/api/v1/credit/changes?after=${feed.next}`, auth: tax })
    ).json();
    expect(next.items).toEqual([]);

    const own = await enterprise('MA5TCRED5');
    await input(customs, own, '2026-02-01', { type: 'EVENT', kind: 'OTHER_LEGAL_LISTING' }, 'customs', {
      reference: '列入名单 2026-12',
    });
    const ent = (await t.request({ method: 'GET', url: `/api/v1/enterprises/${own}`, auth: admin })).json();
    const user = await t.authFor('enterprise_user', { enterpriseId: ent.id });
    const mine = await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${own}`, auth: user });
    expect(mine.statusCode).toBe(200);
    // A trader sees which input, which rule and until when.
    expect(mine.json().reasons[0]).toMatchObject({
      rule: 'credit.focus.legalEvent',
      until: '2029-02-01',
      inputs: [{ kind: 'OTHER_LEGAL_LISTING', reference: '列入名单 2026-12' }],
    });
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${own}/history`, auth: user })).json().items,
    ).toHaveLength(1);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${own}/measures`, auth: user })).json(),
    ).toMatchObject({ class: 'FOCUS', batchExitAllowed: false });
    const other = feed.items[0].subject;
    for (const path of ['', '/history', '/measures']) {
      expect(
        (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${other}${path}`, auth: user })).statusCode,
        path,
      ).toBe(404);
    }
  });

  it('individuals: FOCUS after a penalty, never AEO; enterprise users cannot look them up', async () => {
    const person = (
      await t.request({
        method: 'POST',
        url: '/api/v1/individuals',
        auth: admin,
        body: { idType: 'PASSPORT', idNumber: 'E87654321', name: 'Test Traveller', nationality: 'SGP' },
      })
    ).json();
    const body = (i: object, effectiveDate = '2025-06-01') => ({
      subjectKind: 'INDIVIDUAL',
      subject: person.id,
      source: 'customs',
      effectiveDate,
      input: i,
    });
    const aeo = await t.request({
      method: 'POST',
      url: '/api/v1/credit/inputs',
      auth: customs,
      body: body({ type: 'AEO', action: 'GRANTED' }),
    });
    expect(aeo.statusCode).toBe(400);
    expect(aeo.json().errors).toEqual([
      expect.objectContaining({ path: 'input.type', rule: 'credit.aeoEnterpriseOnly' }),
    ]);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/credit/inputs',
          auth: customs,
          body: body({ type: 'EVENT', kind: 'SMUGGLING_PENALTY' }),
        })
      ).json().class,
    ).toBe('FOCUS');
    const c = (await t.request({ method: 'GET', url: `/api/v1/credit/individual/${person.id}`, auth: admin })).json();
    expect(c).toMatchObject({ subjectKind: 'INDIVIDUAL', class: 'FOCUS', validUntil: '2028-06-01' });
    const m = (
      await t.request({
        method: 'GET',
        url: `/api/v1/credit/individual/${person.id}/measures?asOf=2028-06-01`,
        auth: admin,
      })
    ).json();
    expect(m).toMatchObject({ class: 'WHITELIST', inspectWithoutRiskAlert: false, auditFrequency: 'NOT_APPLICABLE' });
    const ent = (
      await t.request({ method: 'GET', url: `/api/v1/enterprises/${demoUscc('91460100MA5TCRED1')}`, auth: admin })
    ).json();
    const user = await t.authFor('enterprise_user', { enterpriseId: ent.id });
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/credit/individual/${person.id}`, auth: user })).statusCode,
    ).toBe(404);
  });

  it('measures follow the class, with the parameter versions used', async () => {
    const uscc = await enterprise('MA5TCRED7');
    await input(customs, uscc, '2026-02-01', { type: 'EVENT', kind: 'SMUGGLING_PENALTY' });
    const m = (
      await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/measures`, auth: admin })
    ).json();
    expect(m).toMatchObject({
      class: 'FOCUS',
      inspectionRate: { kind: 'FLOOR', minimumRate: '0.8' },
      batchExitAllowed: false,
      auditFrequency: 'INTENSIFIED',
    });
    expect(Object.keys(m.parameterVersions)).toEqual(
      expect.arrayContaining([
        'credit.focusPeriodYears',
        'credit.inspectionRateFloor.FOCUS',
        'credit.batchExitClasses',
      ]),
    );
    const before = (
      await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/measures?asOf=2026-01-31`, auth: admin })
    ).json();
    expect(before).toMatchObject({
      class: 'WHITELIST',
      inspectionRate: { kind: 'MULTIPLIER', multiplier: '0.8' },
      batchExitAllowed: true,
    });
  });
});

describe('inputs are idempotent by the department’s own id', () => {
  it('a retry with the same inputId returns the first result; other content under that id is refused', async () => {
    const uscc = await enterprise('MA5TKDEM1');
    const inputId = uuidv7(Date.UTC(2026, 1, 27));
    const first = await input(
      tax,
      uscc,
      '2026-02-27',
      { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true },
      'tax',
      { inputId },
    );
    expect(first.json()).toMatchObject({ inputId, class: 'FOCUS', classChanged: true, alreadyRecorded: false });
    const before = await footprint();
    const retry = await input(
      tax,
      uscc,
      '2026-02-27',
      { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true },
      'tax',
      { inputId },
    );
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ inputId, class: 'FOCUS', classChanged: false, alreadyRecorded: true });
    const changed = await input(
      tax,
      uscc,
      '2026-02-27',
      { type: 'SECTOR_RATING', department: 'tax', level: 'C', isLowestLevel: false },
      'tax',
      { inputId },
    );
    expect(changed.statusCode).toBe(422);
    expect(changed.json().errors).toEqual([expect.objectContaining({ path: 'inputId', rule: 'credit.inputIdReused' })]);
    expect(await footprint()).toEqual(before);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/inputs`, auth: admin })).json().items,
    ).toHaveLength(1);
  });

  it('same-day ratings of one department count in the order they arrived', async () => {
    const uscc = await enterprise('MA5TQRDR1');
    for (const [level, lowest] of [
      ['D', true],
      ['B', false],
      ['D', true],
      ['A', false],
    ] as const) {
      await input(
        tax,
        uscc,
        '2026-02-28',
        { type: 'SECTOR_RATING', department: 'tax', level, isLowestLevel: lowest },
        'tax',
      );
    }
    expect((await credit(uscc)).class).toBe('WHITELIST');
    await input(
      tax,
      uscc,
      '2026-02-28',
      { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true },
      'tax',
    );
    expect((await credit(uscc)).class).toBe('FOCUS');
  });
});

describe('bad input gets problem+json naming the field and the rule, and writes nothing', () => {
  it.each([
    ['effectiveDate', 'date.calendar', { effectiveDate: '2026-13-01' }],
    ['effectiveDate', 'credit.effectiveDateHorizon', { effectiveDate: '2027-12-31' }],
    ['input.kind', 'schema.invalid_value', { input: { type: 'EVENT', kind: 'JAYWALKING' } }],
    ['input.type', 'schema.invalid_union', { input: { type: 'GOSSIP' } }],
    ['input.isLowestLevel', 'schema.invalid_type', { input: { type: 'SECTOR_RATING', department: 'tax', level: 'D' } }],
    ['source', 'schema.invalid_format', { source: 'Tax Bureau' }],
    ['subject', 'GB32100.checkCharacter', { subject: '91460100MA5TCRED10' }],
    ['subject', 'credit.subjectRegistered', { subject: demoUscc('91460100MA5TNQQNE') }],
    ['subject', 'credit.individualId', { subjectKind: 'INDIVIDUAL', subject: '460100199003071234' }],
    ['inputId', 'schema.invalid_format', { inputId: 'not-a-uuid' }],
    ['surprise', 'schema.unrecognizedKey', { surprise: true }],
  ])('%s (%s)', async (path, rule, patch) => {
    const uscc = demoUscc('91460100MA5TCRED6');
    if ((await t.request({ method: 'GET', url: `/api/v1/enterprises/${uscc}`, auth: admin })).statusCode === 404)
      await enterprise('MA5TCRED6');
    const before = await footprint();
    const body = {
      subjectKind: 'ENTERPRISE',
      subject: uscc,
      source: 'customs',
      effectiveDate: '2026-01-01',
      input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
      ...patch,
    };
    const res = await t.request({ method: 'POST', url: '/api/v1/credit/inputs', auth: customs, body });
    expect([400, 422]).toContain(res.statusCode);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().type).toMatch(/^urn:tidegate:error:/);
    expect(res.json().errors).toContainEqual(expect.objectContaining({ path, rule }));
    expect(await footprint()).toEqual(before);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/inputs`, auth: admin })).json().items,
    ).toEqual([]);
  });

  it('a department bound to its code speaks only for itself, and withdraws only its own inputs', async () => {
    const uscc = await enterprise('MA5TXCQPE');
    const bound = await t.authFor('department', { name: 'maritime-bureau', scope: { department: 'maritime' } });
    const wrong = await input(
      bound,
      uscc,
      '2026-02-01',
      { type: 'SECTOR_RATING', department: 'maritime', level: 'D', isLowestLevel: true },
      'customs',
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([expect.objectContaining({ path: 'source', rule: 'credit.sourceIsCaller' })]);
    expect(
      (
        await input(
          bound,
          uscc,
          '2026-02-01',
          { type: 'SECTOR_RATING', department: 'maritime', level: 'D', isLowestLevel: true },
          'maritime',
        )
      ).statusCode,
    ).toBe(201);
    const other = (await input(customs, uscc, '2026-02-02', { type: 'EVENT', kind: 'OTHER_LEGAL_LISTING' })).json();
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/credit/inputs/${other.inputId}/withdraw`,
          auth: bound,
          body: { reason: 'not ours' },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('withdrawals: a future date, an unknown input and a malformed id are refused', async () => {
    const uscc = await enterprise('MA5TWDRW1');
    const { inputId } = (await input(customs, uscc, '2026-02-01', { type: 'EVENT', kind: 'SMUGGLING_PENALTY' })).json();
    const before = await footprint();
    const future = await t.request({
      method: 'POST',
      url: `/api/v1/credit/inputs/${inputId}/withdraw`,
      auth: admin,
      body: { date: '2026-03-02', reason: 'entered in error' },
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([
      expect.objectContaining({ path: 'date', rule: 'credit.withdrawalNotInFuture' }),
    ]);
    const short = await t.request({
      method: 'POST',
      url: `/api/v1/credit/inputs/${inputId}/withdraw`,
      auth: admin,
      body: { reason: 'x' },
    });
    expect(short.json().errors).toEqual([expect.objectContaining({ path: 'reason', rule: 'schema.too_small' })]);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/credit/inputs/${uuidv7()}/withdraw`,
          auth: admin,
          body: { reason: 'no such input' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/credit/inputs/nope/withdraw',
          auth: admin,
          body: { reason: 'no such input' },
        })
      ).json().errors[0],
    ).toMatchObject({ path: 'inputId' });
    expect(await footprint()).toEqual(before);
    expect((await credit(uscc)).class).toBe('FOCUS');
  });

  it('look-ups: a bad asOf or an unknown subject', async () => {
    const bad = await t.request({
      method: 'GET',
      url: `/api/v1/credit/enterprise/${demoUscc('91460100MA5TCRED1')}?asOf=2026-02-30`,
      auth: admin,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'asOf', rule: 'date.calendar' })]);
    expect(
      (
        await t.request({
          method: 'GET',
          url: `/api/v1/credit/enterprise/${demoUscc('91460100MA5TNQQNE')}`,
          auth: admin,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/credit/company/x', auth: admin })).json().errors[0],
    ).toMatchObject({ path: 'kind' });
  });
});
