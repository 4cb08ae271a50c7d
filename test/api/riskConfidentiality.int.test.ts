import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { riskLeaks } from '../support/riskLeaks.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import type { RouteAccess } from '../../src/platform/http/authHook.ts';
import { exitBody, passGate } from '../declarations/helpers.ts';

/**
 * Risk confidentiality, route × role, field by field: a trader is never told whether or why it was
 * selected, and a department only what its scope grants (no risk at all today). The data is real:
 * an enterprise whose exits, amendment and centralized declaration were selected RED and HELD, with
 * a released exit, its tax bill, a batch that left through the gate. Every GET route an enterprise
 * user may call (taken from the running server, so a new route is covered or the test says so) and
 * every answer of the declarant's own commands is scanned deep for verdict keys and texts; the
 * officer's view of the same declaration must show the verdict (the scan and the data are live).
 */
let app: TestApp;

const ZERO_ODDS = ['risk.randomFloorRate', 'risk.routineInspectionRate'];

async function setParam(name: string, value: unknown) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

let logins = 0;
const login = (role: Role, opts: { enterpriseId?: string; scope?: Record<string, unknown> } = {}) =>
  app.authFor(role, { ...opts, name: `${role.replace('_', '-')}-conf-${++logins}` });

const laptops = {
  hsCode: '8471300000',
  name: '笔记本电脑 laptop',
  unit: 'SET',
  originCountry: 'JP',
  quantity: '100',
  importedCny: '500000',
};
const parts = {
  hsCode: '8431490000',
  name: '起重机零件 crane parts',
  unit: 'KG',
  originCountry: 'DE',
  quantity: '6000',
  importedCny: '900000',
};

interface World {
  enterpriseId: string;
  uscc: string;
  bookId: string;
  itemId: string;
  documentId: string;
  processing: { bookId: string; itemId: string };
  released: Record<string, unknown>;
  held: Record<string, unknown>;
  amended: Record<string, unknown>;
  centralized: Record<string, unknown>;
  batch: Record<string, unknown>;
  billId: string;
  /** The joint-control cases the RED declarations opened (shared with the police). */
  caseIds: string[];
  /** What the declarant's own commands answered. */
  answers: { what: string; body: unknown }[];
}
let w: World;

beforeAll(async () => {
  app = await startTestApp({ at: new Date('2026-11-05T02:00:00Z') });
  for (const name of ZERO_ODDS) await setParam(name, '0');
  const goods = await bookWithGoods(app.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [laptops, parts],
  });
  const [itemId, partsId] = goods.itemIds as [string, string];
  const beef = {
    hsCode: '0202300090',
    name: '冻去骨牛肉 frozen boneless beef',
    unit: 'KG',
    originCountry: 'AU',
    quantity: '1000',
    importedCny: '356000',
  };
  const processing = await bookWithGoods(app.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    enterpriseId: goods.enterpriseId,
    entryDate: '2026-11-02',
    items: [beef],
  });
  const answers: World['answers'] = [];
  const file = async (url: string, body: unknown, auth: string) => {
    const res = await app.request({ method: 'POST', url, auth, body });
    expect(res.statusCode, res.body).toBe(201);
    answers.push({ what: `POST ${url}`, body: res.json() });
    return res.json();
  };

  // November: a batch leaves through the gate.
  let auth = await login('enterprise_user', { enterpriseId: goods.enterpriseId });
  const batch = await file(
    '/api/v1/declarations/batches',
    exitBody(goods.bookId, [
      { itemId: partsId, quantity: '1000', valueCny: '150000', netWeightKg: '500', dutyRate: '0.05', vatRate: '0.13' },
    ]),
    auth,
  );
  expect((await passGate(app, batch)).decision).toBe('PASS');

  // December: a released exit with its bill, and one to amend later.
  app.clock.set(new Date('2026-12-02T02:00:00Z'));
  auth = await login('enterprise_user', { enterpriseId: goods.enterpriseId });
  const line = (q: string) => [
    {
      itemId,
      quantity: q,
      valueCny: String(Number(q) * 6000),
      netWeightKg: String(Number(q) * 3),
      dutyRate: '0.05',
      vatRate: '0.13',
    },
  ];
  const released = await file('/api/v1/declarations/exits', exitBody(goods.bookId, line('10')), auth);
  expect(released.state).toBe('RELEASED');
  const toAmend = await file('/api/v1/declarations/exits', exitBody(goods.bookId, line('10')), auth);

  // From here every score is RED: the exit, the amendment and the month's centralized declaration are selected.
  await forceRed(app.ctx);
  const held = await file('/api/v1/declarations/exits', exitBody(goods.bookId, line('10')), auth);
  expect(held.state).toBe('HELD');
  const amendUrl = `/api/v1/declarations/${toAmend.id}/amend`;
  const amended = await file(amendUrl, exitBody(goods.bookId, line('8')), auth);
  expect(amended.state).toBe('HELD');
  const centralized = await file(
    '/api/v1/declarations/centralized',
    { requestId: 'conf-central-2026-11', period: '2026-11' },
    auth,
  );
  expect(centralized.state).toBe('HELD');
  // The same filing again answers the stored declaration, through the same projection.
  await file(
    '/api/v1/declarations/exits',
    (answers.find((a) => (a.body as { id: string }).id === held.id)!.body as { form: unknown }).form,
    auth,
  );

  const bills = (await app.request({ method: 'GET', url: '/api/v1/tax-bills', auth })).json();
  expect(bills.total).toBeGreaterThan(0);
  // The RED decisions open joint-control cases: the departments' routes are scanned with them.
  await app.ctx.dispatcher.drain();
  const cases = (
    await app.request({ method: 'GET', url: '/api/v1/jointcontrol/cases', auth: await login('inspector') })
  ).json();
  expect(cases.total).toBeGreaterThanOrEqual(3);
  w = {
    ...goods,
    itemId,
    processing: { bookId: processing.bookId, itemId: processing.itemIds[0]! },
    released,
    held,
    amended,
    centralized,
    batch,
    billId: bills.items[0].id,
    caseIds: cases.items.map((c: { id: string }) => c.id),
    answers,
  };
});

afterAll(async () => {
  await app?.close();
});

/** Concrete URLs for each route a reader may GET, with this world's ids. A route not listed fails the test. */
function urlsFor(route: string): string[] | undefined {
  const ids = [w.released, w.held, w.amended, w.centralized, w.batch].map((d) => d.id as string);
  const table: Record<string, string[]> = {
    '/api/v1/me': ['/api/v1/me'],
    '/api/v1/auth/me/permissions': ['/api/v1/auth/me/permissions'],
    '/api/v1/enterprises': ['/api/v1/enterprises', `/api/v1/enterprises?q=${w.uscc.slice(0, 8)}`],
    '/api/v1/enterprises/:uscc': [`/api/v1/enterprises/${w.uscc}`],
    '/api/v1/enterprises/:uscc/qualifications': [`/api/v1/enterprises/${w.uscc}/qualifications`],
    '/api/v1/credit/:kind/:id': [`/api/v1/credit/enterprise/${w.uscc}`],
    '/api/v1/credit/:kind/:id/history': [`/api/v1/credit/enterprise/${w.uscc}/history`],
    '/api/v1/credit/:kind/:id/measures': [`/api/v1/credit/enterprise/${w.uscc}/measures`],
    '/api/v1/credit/:kind/:id/inputs': [`/api/v1/credit/enterprise/${w.uscc}/inputs`],
    '/api/v1/credit/changes': ['/api/v1/credit/changes'],
    '/api/v1/declarations/month': ['/api/v1/declarations/month', '/api/v1/declarations/month?period=2026-11'],
    '/api/v1/declarations': [
      '/api/v1/declarations',
      '/api/v1/declarations?state=HELD',
      '/api/v1/declarations?kind=CENTRALIZED_DECLARATION',
    ],
    '/api/v1/declarations/:id': ids.map((id) => `/api/v1/declarations/${id}`),
    '/api/v1/declarations/batch-facility/:uscc': [`/api/v1/declarations/batch-facility/${w.uscc}`],
    '/api/v1/tax-bills': ['/api/v1/tax-bills'],
    '/api/v1/tax-bills/export.csv': ['/api/v1/tax-bills/export.csv'],
    '/api/v1/tax-bills/:id': [`/api/v1/tax-bills/${w.billId}`],
    '/api/v1/tax-bills/:id/csv': [`/api/v1/tax-bills/${w.billId}/csv`],
    '/api/v1/tax-bills/:id/payment': [`/api/v1/tax-bills/${w.billId}/payment`],
    '/api/v1/tax-bills/overdue-alerts': ['/api/v1/tax-bills/overdue-alerts'],
    '/api/v1/tax/exchange-rates': ['/api/v1/tax/exchange-rates'],
    '/api/v1/calc/exchange-rate': ['/api/v1/calc/exchange-rate?currency=USD&declarationDate=2026-12-01'],
    '/api/v1/ledger/books': ['/api/v1/ledger/books'],
    '/api/v1/ledger/books/:bookId': [`/api/v1/ledger/books/${w.bookId}`],
    '/api/v1/ledger/books/:bookId/items': [`/api/v1/ledger/books/${w.bookId}/items`],
    '/api/v1/ledger/books/:bookId/items/:itemId/value-added': [
      `/api/v1/ledger/books/${w.processing.bookId}/items/${w.processing.itemId}/value-added?quantity=100&salePrice=50000`,
    ],
    '/api/v1/ledger/books/:bookId/movements': [`/api/v1/ledger/books/${w.bookId}/movements`],
    '/api/v1/ledger/books/:bookId/movements.csv': [`/api/v1/ledger/books/${w.bookId}/movements.csv`],
    '/api/v1/ledger/books/:bookId/documents': [`/api/v1/ledger/books/${w.bookId}/documents`],
    '/api/v1/ledger/books/:bookId/reservations': [`/api/v1/ledger/books/${w.bookId}/reservations`],
    '/api/v1/ledger/documents/:documentId': [`/api/v1/ledger/documents/${w.documentId}`],
    '/api/v1/ledger/catalogue': ['/api/v1/ledger/catalogue'],
    '/api/v1/parameters': ['/api/v1/parameters'],
    '/api/v1/parameters/:name/versions': ['/api/v1/parameters/risk.levelThresholds/versions'],
    '/api/v1/webhooks': ['/api/v1/webhooks'],
    '/api/v1/audit/anchors': ['/api/v1/audit/anchors'],
    '/api/v1/audit/anchors/:seq': ['/api/v1/audit/anchors/latest'],
    '/api/v1/dutyfree/codes/:code': ['/api/v1/dutyfree/codes/HNDF0000000000000000'],
    '/api/v1/personal-credit/points': ['/api/v1/personal-credit/points'],
    // A traveller's own view needs the traveller's token: anyone else is answered 401, still scanned.
    '/api/v1/dutyfree/self': ['/api/v1/dutyfree/self'],
    '/api/v1/jointcontrol/feed': ['/api/v1/jointcontrol/feed'],
    '/api/v1/jointcontrol/cases': ['/api/v1/jointcontrol/cases', '/api/v1/jointcontrol/cases?state=OPEN'],
    '/api/v1/jointcontrol/cases/:id': w.caseIds.map((id) => `/api/v1/jointcontrol/cases/${id}`),
    '/api/v1/tariff/lines/:code': ['/api/v1/tariff/lines/0201300090'],
    '/api/v1/calc/tariff-rates': ['/api/v1/calc/tariff-rates?code=0201300090&origin=AU&date=2026-12-01'],
    '/api/v1/restricted-goods': ['/api/v1/restricted-goods'],
    '/api/v1/restricted-goods/check': ['/api/v1/restricted-goods/check?hsCode=8471300000&description=laptop'],
    '/api/v1/licences': ['/api/v1/licences'],
    '/api/v1/licences/:number': ['/api/v1/licences/RT-2026-0001'],
    // First-line filings are scanned with real held and released data in test/firstline/firstline.int.test.ts.
    '/api/v1/firstline/declarations': [
      '/api/v1/firstline/declarations',
      '/api/v1/firstline/declarations?state=HELD&direction=IMPORT&pageSize=200',
    ],
    '/api/v1/firstline/declarations/:id': ['/api/v1/firstline/declarations/01900000-0000-7000-8000-000000000000'],
    '/api/v1/firstline/bills': ['/api/v1/firstline/bills'],
    '/api/v1/firstline/bills/:id': ['/api/v1/firstline/bills/01900000-0000-7000-8000-000000000000'],
    '/api/v1/origin/certificates/:agreement/:number': ['/api/v1/origin/certificates/CHAFTA/CO-AU-2026-0001'],
    // Value added: this world issues no cumulative number (its look-up answers 404, still scanned).
    '/api/v1/value-added/cumulative-numbers': ['/api/v1/value-added/cumulative-numbers'],
    '/api/v1/value-added/cumulative-numbers/:number': ['/api/v1/value-added/cumulative-numbers/LJ202664010000000125'],
    '/api/v1/value-added/evidence': ['/api/v1/value-added/evidence'],
    '/api/v1/value-added/reviews': ['/api/v1/value-added/reviews'],
  };
  return table[route];
}

/** Routes whose answer is not about this world's declarations (no exchange rates or individuals here): any status. */
// Reference data this test world does not load (no tariff table): a 404 is the answer, still scanned.
const NOT_FOUND_OK = new Set([
  '/api/v1/individuals/:id',
  '/api/v1/calc/exchange-rate',
  '/api/v1/dutyfree/codes/:code',
  '/api/v1/tariff/lines/:code',
  '/api/v1/calc/tariff-rates',
  '/api/v1/licences/:number',
  '/api/v1/firstline/declarations/:id',
  '/api/v1/firstline/bills/:id',
  '/api/v1/origin/certificates/:agreement/:number',
  '/api/v1/value-added/cumulative-numbers/:number',
  '/api/v1/dutyfree/self',
]);

function getRoutesOf(role: Role): string[] {
  return app.app.routeTable
    .filter((r) => r.method === 'GET')
    .filter((r) => {
      const access = r.access as RouteAccess;
      return 'public' in access || access.roles.includes(role);
    })
    .map((r) => r.url);
}

async function scanGet(auth: string, url: string): Promise<{ status: number; leaks: string[] }> {
  const res = await app.request({ method: 'GET', url, auth });
  const body = String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body;
  return { status: res.statusCode, leaks: riskLeaks(body).map((l) => `GET ${url} ${l}`) };
}

describe('risk confidentiality, route × role, field by field', () => {
  it('the scan is live: the officer sees the RED verdict of the held exit, its amendment and the centralized declaration', async () => {
    const officer = await login('inspector');
    for (const d of [w.held, w.amended, w.centralized]) {
      const view = (
        await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id as string}`, auth: officer })
      ).json();
      expect(view.state).toBe('HELD');
      expect(view.risk).toMatchObject({ level: 'RED', selected: true });
      expect(riskLeaks(view).length).toBeGreaterThan(0);
    }
  });

  it('the declarant: every GET route it may call answers its real data with no verdict key or text anywhere', async () => {
    const auth = await login('enterprise_user', { enterpriseId: w.enterpriseId });
    const routes = getRoutesOf('enterprise_user');
    expect(routes).toContain('/api/v1/declarations/:id');
    const unmapped = routes.filter((r) => !urlsFor(r));
    expect(unmapped, 'routes an enterprise user may GET must be listed in urlsFor').toEqual([]);
    const problems: string[] = [];
    let scanned = 0;
    for (const route of routes) {
      for (const url of urlsFor(route)!) {
        const { status, leaks } = await scanGet(auth, url);
        if (status !== 200 && !NOT_FOUND_OK.has(route)) problems.push(`GET ${url}: ${status}`);
        problems.push(...leaks);
        scanned++;
      }
    }
    expect(problems).toEqual([]);
    expect(scanned).toBeGreaterThan(30);
  });

  it('the declarant sees its state and the inspection, not why: HELD with a neutral reason, held transitions without the verdict', async () => {
    const auth = await login('enterprise_user', { enterpriseId: w.enterpriseId });
    const held = (
      await app.request({ method: 'GET', url: `/api/v1/declarations/${w.held.id as string}`, auth })
    ).json();
    expect(held).toMatchObject({ state: 'HELD', inspectionTaskId: expect.any(String) });
    expect('risk' in held).toBe(false);
    expect(held.stateReason).toContain('待查验');
    expect(held.transitions.map((t: { to: string }) => t.to)).toEqual(['SUBMITTED', 'HELD']);
  });

  it("the declarant's own commands (exit, amendment, batch, centralized declaration, a repeated filing, cancel) answer no verdict", async () => {
    const auth = await login('enterprise_user', { enterpriseId: w.enterpriseId });
    const cancelled = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/${w.released.id as string}/cancel`,
      auth,
      body: { reason: 'buyer withdrew the order' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const answers = [...w.answers, { what: 'POST cancel', body: cancelled.json() }];
    expect(answers.length).toBeGreaterThanOrEqual(7);
    expect(answers.flatMap((a) => riskLeaks(a.body).map((l) => `${a.what} ${l}`))).toEqual([]);
  });

  it('a department: every GET route it may call, and the audit entries of the selection, show no verdict (withheld, still provable)', async () => {
    const officer = await login('auditor');
    const detail = (
      await app.request({ method: 'GET', url: `/api/v1/declarations/${w.held.id as string}`, auth: officer })
    ).json();
    const heldSeq = detail.transitions.find((t: { to: string }) => t.to === 'HELD').auditSeq as number;
    const submitSeq = detail.transitions.find((t: { to: string }) => t.to === 'SUBMITTED').auditSeq as number;
    // The risk engine's entry sits between the submission and the hold in the declarant's chain.
    const seqs = Array.from({ length: heldSeq - submitSeq + 1 }, (_, i) => submitSeq + i);
    const full = await Promise.all(
      seqs.map(async (s) =>
        (await app.request({ method: 'GET', url: `/api/v1/audit/entries/${s}`, auth: officer })).json(),
      ),
    );
    const assess = full.find((e) => e.action === 'risk.assess');
    expect(assess, 'the risk engine recorded the verdict in the audit log').toBeTruthy();
    expect(riskLeaks(JSON.parse(assess.change)).length).toBeGreaterThan(0);

    // An anchor covers the entries, so their inclusion proofs are given (and must stay checkable).
    expect(
      (await app.request({ method: 'POST', url: '/api/v1/audit/anchors', auth: await login('admin'), body: {} }))
        .statusCode,
    ).toBe(200);
    // The police receive the RED declarations' joint-control cases (jointControl.recipients): their
    // feed and cases are scanned with real data, and must name no verdict either.
    const dept = await login('department', { scope: { department: 'police' } });
    const feed = (await app.request({ method: 'GET', url: '/api/v1/jointcontrol/feed', auth: dept })).json();
    expect(feed.items.length).toBeGreaterThanOrEqual(3);
    const problems: string[] = [];
    for (const route of getRoutesOf('department')) {
      const urls =
        route === '/api/v1/audit/entries/:seq'
          ? seqs.map((s) => `/api/v1/audit/entries/${s}`)
          : (urlsFor(route) ?? [route.replace(':id', '01900000-0000-7000-8000-000000000000')]);
      for (const url of urls) {
        const { status, leaks } = await scanGet(dept, url);
        if (status !== 200 && !NOT_FOUND_OK.has(route)) problems.push(`GET ${url}: ${status}`);
        problems.push(...leaks);
      }
    }
    expect(problems).toEqual([]);
    for (const s of [assess.seq as number, heldSeq]) {
      const e = (await app.request({ method: 'GET', url: `/api/v1/audit/entries/${s}`, auth: dept })).json();
      expect(e).toMatchObject({ seq: s, withheld: true, change: null, action: null, subject: null, hashValid: true });
      expect(e.body).toMatch(/^[0-9a-f]{64}$/);
      expect(
        e.proof.links.every((l: { body?: string; withheld?: boolean }) => typeof l.body === 'string' || l.withheld),
      ).toBe(true);
    }
    // The department's own business is read in full: the enterprise's registration, for one.
    const registered = (await app.request({ method: 'GET', url: `/api/v1/audit/entries/1`, auth: dept })).json();
    expect(registered.withheld).toBe(registered.action === null);
  });
});
