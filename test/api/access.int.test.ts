import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { ALL_ROLES, type Role } from '../../src/platform/auth/roles.ts';
import { DEMO_ENTERPRISES } from '../../src/seed/demo.ts';

/**
 * The access contract, written out by hand: route -> roles allowed. The test checks every route of
 * the running server against it for every role, and that no route is missing from the table.
 */
const OFFICERS: Role[] = ['admin', 'risk_analyst', 'inspector', 'auditor', 'command_viewer'];
const RISK_RULE_READERS: Role[] = ['admin', 'risk_analyst', 'auditor'];
const EXPECTED: Record<string, Role[] | 'public'> = {
  'POST /api/v1/auth/login': 'public',
  'GET /api/v1/me': [...ALL_ROLES],
  'POST /api/v1/users': ['admin'],
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/api-clients': ['admin'],
  'GET /api/v1/auth/lockouts': ['admin'],
  'POST /api/v1/auth/lockouts/unlock': ['admin'],
  'GET /api/v1/api-clients': ['admin'],
  'POST /api/v1/api-clients/:id/revoke': ['admin'],
  'GET /api/v1/audit/entries/:seq': [...OFFICERS, 'department'],
  'POST /api/v1/audit/verify': ['admin', 'auditor'],
  'GET /api/v1/audit/anchors': [...OFFICERS, 'department'],
  'GET /api/v1/audit/anchors/:seq': [...OFFICERS, 'department'],
  'POST /api/v1/audit/anchors': ['admin', 'auditor'],
  'POST /api/v1/audit/verify/stream': ['admin', 'auditor'],
  'GET /api/v1/parameters': [...OFFICERS, 'department'],
  'GET /api/v1/parameters/:name/versions': [...OFFICERS, 'department'],
  'POST /api/v1/parameters': ['admin'],
  'POST /api/v1/enterprises': ['admin', 'auditor'],
  'GET /api/v1/enterprises': [...OFFICERS, 'department', 'enterprise_user'],
  'GET /api/v1/enterprises/:uscc': [...OFFICERS, 'department', 'enterprise_user'],
  'GET /api/v1/enterprises/:uscc/qualifications': [...OFFICERS, 'department', 'enterprise_user'],
  'POST /api/v1/enterprises/:uscc/qualifications': ['admin', 'auditor'],
  'POST /api/v1/enterprises/:uscc/qualifications/:id/relinquish': ['admin', 'auditor', 'enterprise_user'],
  'POST /api/v1/individuals': ['admin', 'inspector', 'auditor'],
  'GET /api/v1/individuals/:id': [...OFFICERS, 'department'],
  'POST /api/v1/individuals/lookup': [...OFFICERS, 'department', 'dutyfree_shop'],
  'GET /api/v1/credit/:kind/:id': [...OFFICERS, 'department', 'enterprise_user'],
  'GET /api/v1/credit/:kind/:id/history': [...OFFICERS, 'department', 'enterprise_user'],
  'GET /api/v1/credit/:kind/:id/inputs': [...OFFICERS, 'department'],
  'GET /api/v1/credit/:kind/:id/measures': [...OFFICERS, 'department', 'enterprise_user'],
  'POST /api/v1/credit/inputs': ['admin', 'department', 'auditor'],
  'POST /api/v1/credit/inputs/bulk': ['admin', 'department', 'auditor'],
  'POST /api/v1/credit/inputs/:inputId/withdraw': ['admin', 'department', 'auditor'],
  'GET /api/v1/credit/changes': [...OFFICERS, 'department'],
  'GET /api/v1/credit/stats': OFFICERS,
  'POST /api/v1/credit/sweep': ['admin'],
  'POST /api/v1/webhooks': ['department', 'admin'],
  'GET /api/v1/webhooks': ['department', 'admin'],
  'POST /api/v1/calc/tax': 'public',
  'POST /api/v1/calc/value-added': 'public',
  'GET /api/v1/calc/tariff-rates': 'public',
  'POST /api/v1/tariff/import': ['admin'],
  'GET /api/v1/tariff/lines/:code': [...ALL_ROLES],
  'POST /api/v1/restricted-goods/import': ['admin'],
  'GET /api/v1/restricted-goods': [...ALL_ROLES],
  'GET /api/v1/restricted-goods/check': [...ALL_ROLES],
  'POST /api/v1/licences': ['department', 'admin'],
  'GET /api/v1/licences': [...OFFICERS, 'department', 'enterprise_user'],
  'GET /api/v1/licences/:number': [...OFFICERS, 'department', 'enterprise_user'],
  'POST /api/v1/licences/:number/uses': ['admin', 'inspector'],
  'POST /api/v1/origin/certificates': ['department', 'admin', 'inspector'],
  'GET /api/v1/origin/certificates': [...OFFICERS, 'department'],
  'GET /api/v1/origin/certificates/:agreement/:number': [...OFFICERS, 'department'],
  'POST /api/v1/origin/check': [...OFFICERS, 'department', 'enterprise_user'],
  'POST /api/v1/value-added/cumulative-numbers': ['enterprise_user', 'admin', 'inspector'],
  'GET /api/v1/value-added/cumulative-numbers': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/value-added/cumulative-numbers/:number': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/value-added/assessments': ['enterprise_user', 'admin', 'inspector'],
  'POST /api/v1/value-added/evidence': ['enterprise_user'],
  'GET /api/v1/value-added/evidence': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/value-added/reviews': [...OFFICERS],
  'POST /api/v1/value-added/reviews/:id/decision': ['inspector', 'admin'],
  'POST /api/v1/firstline/declarations': ['enterprise_user'],
  'GET /api/v1/firstline/declarations': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/firstline/declarations/:id': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/firstline/declarations/:id/decide': ['inspector', 'admin'],
  'GET /api/v1/firstline/bills': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/firstline/bills/:id': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/risk/alerts': OFFICERS,
  'GET /api/v1/risk/overview': OFFICERS,
  'GET /api/v1/risk/decisions/:declarationId': OFFICERS,
  'GET /api/v1/risk/decisions/:declarationId/replay': RISK_RULE_READERS,
  'GET /api/v1/risk/fields': RISK_RULE_READERS,
  'POST /api/v1/risk/features/validate': RISK_RULE_READERS,
  'GET /api/v1/risk/features': RISK_RULE_READERS,
  'POST /api/v1/risk/features': ['risk_analyst'],
  'POST /api/v1/risk/features/backtest': ['risk_analyst'],
  'POST /api/v1/risk/features/approve': ['risk_analyst'],
  'GET /api/v1/risk/features/:code': RISK_RULE_READERS,
  'GET /api/v1/risk/features/:code/stats': RISK_RULE_READERS,
  'POST /api/v1/risk/features/:code/versions/:version/backtest': ['risk_analyst'],
  'POST /api/v1/risk/features/:code/versions/:version/shadow': ['risk_analyst'],
  'POST /api/v1/risk/features/:code/versions/:version/approve': ['risk_analyst'],
  'POST /api/v1/risk/features/:code/versions/:version/retire': ['risk_analyst'],
  'GET /api/v1/risk/models': RISK_RULE_READERS,
  'GET /api/v1/risk/models/performance': RISK_RULE_READERS,
  'POST /api/v1/risk/models/train': ['risk_analyst'],
  'POST /api/v1/risk/models/:version/backtest': ['risk_analyst'],
  'POST /api/v1/risk/models/:version/shadow': ['risk_analyst'],
  'POST /api/v1/risk/models/:version/approve': ['risk_analyst'],
  'POST /api/v1/risk/models/:version/retire': ['risk_analyst'],
  'POST /api/v1/declarations/exits': ['enterprise_user'],
  'POST /api/v1/declarations/batches': ['enterprise_user'],
  'POST /api/v1/declarations/centralized': ['enterprise_user'],
  'GET /api/v1/declarations/month': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/declarations': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/declarations/:id': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/declarations/:id/amend': ['enterprise_user'],
  'POST /api/v1/declarations/:id/cancel': ['enterprise_user', 'admin'],
  'POST /api/v1/declarations/:id/accept': ['admin', 'inspector'],
  'POST /api/v1/declarations/:id/reject': ['admin', 'inspector'],
  'GET /api/v1/declarations/batch-facility/:uscc': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/declarations/batch-facility/:uscc/lift': ['admin', 'auditor'],
  'POST /api/v1/declarations/centralized/check': ['admin'],
  'GET /api/v1/tax-bills': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/tax-bills/export.csv': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/tax-bills/:id': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/tax-bills/:id/csv': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/tax-bills/:id/payment-notices': ['department'],
  'GET /api/v1/tax-bills/:id/payment': [...OFFICERS, 'enterprise_user', 'department'],
  'POST /api/v1/tax-bills/overdue-sweep': ['admin'],
  'GET /api/v1/tax-bills/overdue-alerts': [...OFFICERS],
  'POST /api/v1/calc/scenario': 'public',
  'GET /api/v1/calc/exchange-rate': 'public',
  'GET /api/v1/tax/exchange-rates': [...ALL_ROLES],
  'POST /api/v1/tax/exchange-rates/import': ['admin'],
  'GET /api/v1/ledger/books': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/ledger/books': ['admin', 'auditor', 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId/items': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/ledger/books/:bookId/items': ['admin', 'auditor', 'enterprise_user'],
  'POST /api/v1/ledger/books/:bookId/items/import': ['admin', 'auditor', 'enterprise_user'],
  'POST /api/v1/ledger/books/:bookId/items/:itemId/correction': ['admin', 'auditor', 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId/items/:itemId/value-added': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId/movements': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId/movements.csv': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId/documents': [...OFFICERS, 'enterprise_user'],
  'GET /api/v1/ledger/books/:bookId/reservations': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/ledger/documents': ['admin', 'auditor', 'enterprise_user'],
  'GET /api/v1/ledger/documents/:documentId': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/ledger/documents/:documentId/decision': ['auditor'],
  'GET /api/v1/ledger/adjustments/pending': ['admin', 'auditor'],
  'POST /api/v1/ledger/verify': ['admin', 'auditor'],
  'POST /api/v1/ledger/direct-releases': ['admin', 'inspector', 'auditor'],
  'GET /api/v1/ledger/alerts': OFFICERS,
  'GET /api/v1/ledger/catalogue': [...OFFICERS, 'enterprise_user'],
  'POST /api/v1/ledger/catalogue/import': ['admin'],
  'POST /api/v1/gate/events': ['gate_device'],
  'GET /api/v1/gate/lanes': [...OFFICERS, 'gate_device'],
  'POST /api/v1/gate/release-orders': ['admin', 'auditor'],
  'GET /api/v1/gate/release-orders/sync': ['gate_device', 'admin'],
  'GET /api/v1/gate/release-orders/:id': OFFICERS,
  'POST /api/v1/gate/devices/key': ['gate_device'],
  'POST /api/v1/gate/replay': ['gate_device'],
  'GET /api/v1/gate/conflicts': OFFICERS,
  'POST /api/v1/gate/conflicts/:id/resolve': ['admin', 'inspector', 'auditor'],
  'GET /api/v1/gate/ports/:portCode/view': OFFICERS,
  'GET /api/v1/command/summary': OFFICERS,
  'GET /api/v1/command/drill': OFFICERS,
  'GET /api/v1/command/stream': OFFICERS,
  'GET /api/v1/auth/me/permissions': [...ALL_ROLES],
  'GET /api/v1/inspection/tasks': OFFICERS,
  'POST /api/v1/inspection/tasks': ['admin', 'inspector', 'risk_analyst'],
  'GET /api/v1/inspection/tasks/:taskId': OFFICERS,
  'POST /api/v1/inspection/tasks/:taskId/assign': ['admin', 'inspector'],
  'POST /api/v1/inspection/tasks/:taskId/start': ['admin', 'inspector'],
  'POST /api/v1/inspection/tasks/:taskId/evidence': ['admin', 'inspector'],
  'GET /api/v1/inspection/tasks/:taskId/evidence/:evidenceId': OFFICERS,
  'POST /api/v1/inspection/tasks/:taskId/complete': ['admin', 'inspector'],
  'POST /api/v1/dutyfree/reservations': ['dutyfree_shop'],
  'POST /api/v1/dutyfree/reservations/:id/confirm': ['dutyfree_shop'],
  'POST /api/v1/dutyfree/reservations/:id/cancel': ['dutyfree_shop'],
  'POST /api/v1/dutyfree/reservations/:id/returns': ['dutyfree_shop'],
  'GET /api/v1/dutyfree/reservations/:id': ['dutyfree_shop', ...OFFICERS],
  'GET /api/v1/dutyfree/quota': ['dutyfree_shop', ...OFFICERS],
  'POST /api/v1/dutyfree/quota/lookup': ['dutyfree_shop', ...OFFICERS],
  'POST /api/v1/dutyfree/pickups': ['dutyfree_shop'],
  'POST /api/v1/dutyfree/departures': ['department', 'admin', 'inspector'],
  'GET /api/v1/dutyfree/codes/:code': 'public',
  'POST /api/v1/dutyfree/codes/:code/findings': ['admin', 'inspector'],
  'POST /api/v1/dutyfree/buyers/lookup': OFFICERS,
  'POST /api/v1/dutyfree/bans/:id/lift': ['admin', 'inspector'],
  'POST /api/v1/dutyfree/departure-check': ['admin'],
  'GET /api/v1/dutyfree/shops': ['dutyfree_shop', ...OFFICERS],
  'POST /api/v1/dutyfree/rings/detect': ['admin', 'risk_analyst'],
  'GET /api/v1/dutyfree/rings/runs': OFFICERS,
  'GET /api/v1/dutyfree/rings/:id': OFFICERS,
  'GET /api/v1/dutyfree/yellow-list': OFFICERS,
  'POST /api/v1/dutyfree/cases': ['admin', 'inspector', 'auditor', 'risk_analyst'],
  'GET /api/v1/dutyfree/cases': OFFICERS,
  'POST /api/v1/dutyfree/cases/:id/decision': ['admin', 'inspector', 'auditor', 'risk_analyst'],
  'GET /api/v1/dutyfree/buyers/:id/profile': OFFICERS,
  'GET /api/v1/dutyfree/sales/by-shop': OFFICERS,
  'GET /api/v1/dutyfree/sale-reviews': OFFICERS,
  'GET /api/v1/dutyfree/risk-refusals': OFFICERS,
  'POST /api/v1/dutyfree/sale-reviews/:reservationId': ['admin', 'inspector', 'auditor', 'risk_analyst'],
  'POST /api/v1/dutyfree/self': 'public',
  // Public as a route: the traveller's own token (header x-dutyfree-self-token) is checked in the handler.
  'GET /api/v1/dutyfree/self': 'public',
  'POST /api/v1/personal-credit/lookup': OFFICERS,
  'POST /api/v1/personal-credit/records': ['admin', 'inspector', 'auditor'],
  'POST /api/v1/personal-credit/records/:id/withdraw': ['admin', 'inspector', 'auditor'],
  'GET /api/v1/personal-credit/points': 'public',
  'GET /api/v1/jointcontrol/feed': ['department'],
  'GET /api/v1/jointcontrol/cases': [...OFFICERS, 'department'],
  'GET /api/v1/jointcontrol/cases/:id': [...OFFICERS, 'department'],
  'POST /api/v1/jointcontrol/cases/:id/acknowledge': ['department'],
  'POST /api/v1/jointcontrol/cases/:id/outcome': ['department'],
  'POST /api/v1/jointcontrol/cases/:id/close': ['admin', 'inspector', 'auditor'],
};

let t: TestApp;
const jerky = DEMO_ENTERPRISES.find((e) => e.key === 'jerky')!;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
});
afterAll(async () => {
  await t?.close();
});

function concreteUrl(url: string): string {
  return url
    .replace(':declarationId', '01900000-0000-7000-8000-000000000000')
    .replace(':code', 'FOCUS_CLASS')
    .replace(':version', '1')
    .replace(':uscc', jerky.uscc)
    .replace(':bookId', '01900000-0000-7000-8000-000000000000')
    .replace(':itemId', '01900000-0000-7000-8000-000000000000')
    .replace(':documentId', '01900000-0000-7000-8000-000000000000')
    .replace(':seq', '1')
    .replace(':portCode', 'CNHAK-XINHAI')
    .replace(':taskId', '01900000-0000-7000-8000-000000000000')
    .replace(':evidenceId', '01900000-0000-7000-8000-000000000000')
    .replace(':kind', 'enterprise')
    .replace(':inputId', '01900000-0000-7000-8000-000000000000')
    .replace(':name', 'credit.focusPeriodYears')
    .replace(
      /\/:id(\/|$)/,
      url.startsWith('/api/v1/credit/') ? `/${jerky.uscc}$1` : '/01900000-0000-7000-8000-000000000000$1',
    );
}

/** Server-sent event streams never end: their answer is taken at its head, and the stream closed. */
const STREAMS = new Set(['GET /api/v1/command/stream']);
async function openStream(url: string, auth: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: { authorization: auth }, payloadAsStream: true });
  res.stream().destroy();
  return res;
}

describe('route x role access table', () => {
  it('every API route is in the expected table, and every table row is a route', () => {
    const actual = t.app.routeTable.map((r) => `${r.method} ${r.url}`).sort();
    expect(actual).toEqual(Object.keys(EXPECTED).sort());
  });

  it('every route declares exactly the roles of the table', () => {
    for (const r of t.app.routeTable) {
      const expected = EXPECTED[`${r.method} ${r.url}`];
      if (expected === 'public') expect(r.access, `${r.method} ${r.url}`).toEqual({ public: true });
      else
        expect([...((r.access as { roles: Role[] }).roles ?? [])].sort(), `${r.method} ${r.url}`).toEqual(
          [...expected!].sort(),
        );
    }
  });

  it('without credentials, every non-public route answers 401 problem+json', async () => {
    for (const r of t.app.routeTable) {
      if (EXPECTED[`${r.method} ${r.url}`] === 'public') continue;
      const res = await t.request({
        method: r.method,
        url: concreteUrl(r.url),
        body: r.method === 'GET' ? undefined : {},
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('each role is allowed exactly where the table says, and refused with 403 elsewhere', async () => {
    const ent = (
      await t.request({
        method: 'GET',
        url: `/api/v1/enterprises/${jerky.uscc}`,
        auth: await t.authFor('admin', { name: 'admin' }),
      })
    ).json();
    const failures: string[] = [];
    for (const role of ALL_ROLES) {
      // A shop's key names its shop (the duty-free routes refuse one that names none); a department's
      // key names its department (joint control refuses a department client that names none).
      const scopes: Partial<Record<Role, object>> = {
        enterprise_user: { enterpriseId: ent.id },
        dutyfree_shop: { scope: { shop: 'HAIKOU-RIYUE' } },
        department: { scope: { department: 'police' } },
      };
      const auth = await t.authFor(role, scopes[role] ?? {});
      for (const r of t.app.routeTable) {
        const expected = EXPECTED[`${r.method} ${r.url}`]!;
        const allowed = expected === 'public' || expected.includes(role);
        const res = STREAMS.has(`${r.method} ${r.url}`)
          ? await openStream(concreteUrl(r.url), auth)
          : await t.request({
              method: r.method,
              url: concreteUrl(r.url),
              auth,
              body: r.method === 'GET' ? undefined : {},
            });
        const refused = res.statusCode === 403;
        // The traveller's own view is public as a route and answers 401 to anyone without the traveller's token.
        const unauthorised = res.statusCode === 401 && `${r.method} ${r.url}` !== 'GET /api/v1/dutyfree/self';
        if (allowed === refused || unauthorised) failures.push(`${role} ${r.method} ${r.url}: ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
