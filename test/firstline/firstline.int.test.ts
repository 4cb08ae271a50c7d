import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods, randomUscc } from '../support/ledgerFixtures.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { riskLeaks } from '../support/riskLeaks.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { returnLicenceUseTx } from '../../src/modules/licence/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';

/**
 * First-line declarations end to end over HTTP: a zero-tariff import posted to the book, a prohibited
 * refusal, restricted goods with and without a licence, a taxed-catalogue import with its bill, a
 * conventional rate on a certificate of origin (and refused on an expired one), direct release, a held
 * declaration the trader cannot see the verdict of, released by an officer, and an export from the book.
 */
let t: TestApp;
let admin: string;
let officer: string;
let trader: string;
let world: { enterpriseId: string; uscc: string; bookId: string; itemIds: string[] };

const officerActor = systemActor('test-officer');
const post = (url: string, body: unknown, auth: string) => t.request({ method: 'POST', url, body, auth });
const get = (url: string, auth: string) => t.request({ method: 'GET', url, auth });
const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
const onHand = async (itemId: string) => {
  const items = (await get(`/api/v1/ledger/books/${world.bookId}/items`, officer)).json().items;
  return items.find((i: { id?: string; itemId?: string }) => (i.id ?? i.itemId) === itemId).onHand as string;
};

const declaration = (lines: unknown[], o: Record<string, unknown> = {}) => ({
  requestId: uuidv7(),
  direction: 'IMPORT',
  port: 'CNYPG-PORT',
  transportMode: 'SEA',
  counterpartCountry: 'SG',
  foreignParty: 'Straits Trading Pte Ltd',
  bookId: world.bookId,
  lines,
  ...o,
});
const bookLine = (itemId: string, o: Record<string, unknown> = {}) => ({
  kind: 'BOOK',
  itemId,
  description: 'crane parts',
  quantity: '100',
  netWeightKg: '100',
  valueCny: '15000',
  ...o,
});
const taxed = (o: Record<string, unknown>) => ({
  kind: 'TAXED',
  quantity: '100',
  netWeightKg: '120',
  valueCny: '10000',
  ...o,
});
const wine = taxed({ hsCode: '2204210000', description: '葡萄酒 bottled wine', unit: 'L', originCountry: 'FR' });
const beef = taxed({ hsCode: '0202300090', description: '冻去骨牛肉 frozen beef', unit: 'KG', originCountry: 'AU' });

async function setParam(name: string, value: unknown) {
  await runCommand(t.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', t.clock.now()),
  );
}

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  for (const name of ['risk.randomFloorRate', 'risk.routineInspectionRate']) await setParam(name, '0');
  admin = await t.authFor('admin', { name: 'admin' });
  officer = await t.authFor('inspector');
  const tariff = readFileSync('src/modules/tariff/sample/tariff-2025.csv', 'utf8');
  expect((await post('/api/v1/tariff/import', { csv: tariff, source: 'sample' }, admin)).statusCode).toBe(200);
  const list = [
    'hsPrefix,keywords,measure,licenceType,direction,validFrom,validTo,description,legalBasis',
    '0507,象牙|ivory,PROHIBITED,,BOTH,2025-01-01,,象牙及其制品 ivory,CITES',
    '8525,,RESTRICTED,RADIO_TYPE_APPROVAL,IMPORT,2025-01-01,,无线电发射设备 radio transmitters,无线电管理条例',
  ].join('\n');
  expect((await post('/api/v1/restricted-goods/import', { csv: list }, admin)).statusCode).toBe(200);
  world = await bookWithGoods(t.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [
      {
        hsCode: '8431490000',
        name: '起重机零件 crane parts',
        unit: 'KG',
        originCountry: 'DE',
        quantity: '10',
        importedCny: '1500',
      },
      {
        hsCode: '8525600000',
        name: '无线电对讲机 radio transceivers',
        unit: 'SET',
        originCountry: 'JP',
        quantity: '1',
        importedCny: '800',
      },
    ],
  });
  trader = await t.authFor('enterprise_user', { enterpriseId: world.enterpriseId });
  const dept = await t.authFor('department', { scope: { department: 'commerce' } });
  const licence = {
    number: 'RT-FL-0001',
    licenceType: 'RADIO_TYPE_APPROVAL',
    holderUscc: world.uscc,
    goods: 'radio transceivers',
    hsPrefixes: ['8525'],
    unit: 'SET',
    quantity: '30',
    validFrom: '2026-01-01',
    validUntil: '2026-12-31',
  };
  expect((await post('/api/v1/licences', licence, dept)).statusCode).toBe(200);
  const cert = {
    agreement: 'CHAFTA',
    originCountry: 'AU',
    exporter: 'Queensland Prime Meats Pty Ltd',
    importerUscc: world.uscc,
    goods: [{ hsCode: '020230', description: 'frozen boneless beef' }],
  };
  for (const [number, issuedOn, validUntil] of [
    ['CO-AU-2026-0001', '2026-01-05', '2027-01-04'],
    ['CO-AU-2025-0099', '2025-01-10', '2026-01-09'],
  ]) {
    const res = await post('/api/v1/origin/certificates', { ...cert, number, issuedOn, validUntil }, dept);
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(async () => {
  await t?.close();
});

describe('first-line imports', () => {
  it('a zero-tariff import is released and posted to the book, with no bill', async () => {
    const [parts] = world.itemIds as [string];
    const res = await post('/api/v1/firstline/declarations', declaration([bookLine(parts)]), trader);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'RELEASED', taxes: null, billId: null, directRelease: false });
    expect(res.json().ledgerDocumentId).toEqual(expect.any(String));
    expect(res.json().lines[0]).toMatchObject({ hsCode: '8431490000', regime: 'ZERO_TARIFF', originCountry: 'DE' });
    expect(await onHand(parts)).toBe('110');
    expect(riskLeaks(res.json())).toEqual([]);
  });

  it('prohibited goods are refused naming the rule, and nothing is written', async () => {
    const before = [await count('firstline_declarations'), await count('licence_uses'), await count('risk_decisions')];
    const ivory = taxed({ hsCode: '9601100000', description: 'carved ivory figure', unit: 'KG', originCountry: 'TH' });
    const res = await post('/api/v1/firstline/declarations', declaration([wine, ivory]), trader);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([
      ['lines[1].hsCode', 'firstLine.prohibited'],
    ]);
    expect([await count('firstline_declarations'), await count('licence_uses'), await count('risk_decisions')]).toEqual(
      before,
    );
  });

  it('restricted goods need a licence, written off on filing', async () => {
    const radios = world.itemIds[1]!;
    const line = bookLine(radios, { description: 'radio transceivers', quantity: '20', valueCny: '16000' });
    const without = await post('/api/v1/firstline/declarations', declaration([line]), trader);
    expect(without.statusCode).toBe(422);
    expect(without.json().errors[0]).toMatchObject({
      path: 'lines[0].licenceNumber',
      rule: 'firstLine.licenceRequired',
    });
    const ok = await post(
      '/api/v1/firstline/declarations',
      declaration([{ ...line, licenceNumber: 'RT-FL-0001' }]),
      trader,
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().lines[0].licence).toMatchObject({ number: 'RT-FL-0001', type: 'RADIO_TYPE_APPROVAL' });
    const licence = (await get('/api/v1/licences/RT-FL-0001', trader)).json().licence;
    expect(licence).toMatchObject({ used: '20', remaining: '10' });
    const over = await post(
      '/api/v1/firstline/declarations',
      declaration([{ ...line, quantity: '11', licenceNumber: 'RT-FL-0001' }]),
      trader,
    );
    expect([over.statusCode, over.json().errors[0].rule]).toEqual([422, 'licence.exhausted']);
    expect((await get('/api/v1/licences/RT-FL-0001', trader)).json().licence.used).toBe('20');
  });

  it('a taxed-catalogue import pays duty at the rates of the tariff table, with its bill', async () => {
    const res = await post('/api/v1/firstline/declarations', declaration([wine], { bookId: undefined }), trader);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('RELEASED');
    expect(d.lines[0].tariff).toMatchObject({
      kind: 'MFN',
      dutyRate: '0.14',
      consumptionTaxRate: '0.1',
      vatRate: '0.13',
    });
    // 10,000 × 14% = 1,400.00; 11,400 ÷ 0.9 × 0.1 = 1,266.67; 12,666.67 × 13% = 1,646.67
    const taxes = { duty: '1400.00', consumptionTax: '1266.67', vat: '1646.67', total: '4313.34' };
    expect(d.taxes).toMatchObject(taxes);
    expect(d.taxes.lines[0].duty.rule).toBeTruthy();
    const bill = await get(`/api/v1/firstline/bills/${d.billId}`, trader);
    expect(bill.statusCode, bill.body).toBe(200);
    expect(bill.json()).toMatchObject({ ...taxes, declarationId: d.id });
    expect(bill.json().number).toMatch(/^FL20261123[0-9A-F]{12}$/);
    expect(Object.keys(bill.json().parameterVersions)).toContain('tariff:2204210000');
    expect((await get('/api/v1/firstline/bills', trader)).json().items.map((b: { id: string }) => b.id)).toContain(
      d.billId,
    );
  });

  it('a conventional rate only on a valid certificate of origin', async () => {
    const noCert = (
      await post('/api/v1/firstline/declarations', declaration([beef], { bookId: undefined }), trader)
    ).json();
    expect(noCert.lines[0].tariff).toMatchObject({ kind: 'MFN', dutyRate: '0.12', certificate: null });
    expect(noCert.taxes).toMatchObject({ duty: '1200.00', vat: '1008.00' });
    const withCert = await post(
      '/api/v1/firstline/declarations',
      declaration([{ ...beef, certificateNumber: 'CO-AU-2026-0001' }], { bookId: undefined }),
      trader,
    );
    expect(withCert.statusCode, withCert.body).toBe(201);
    expect(withCert.json().lines[0].tariff).toMatchObject({ kind: 'CONVENTIONAL', agreement: 'CHAFTA', dutyRate: '0' });
    // No duty; VAT 10,000 × 9% = 900.00
    expect(withCert.json().taxes).toMatchObject({ duty: '0.00', vat: '900.00', total: '900.00' });
    const before = await count('firstline_declarations');
    const expired = await post(
      '/api/v1/firstline/declarations',
      declaration([{ ...beef, certificateNumber: 'CO-AU-2025-0099' }], { bookId: undefined }),
      trader,
    );
    expect(expired.statusCode).toBe(422);
    expect(expired.json().errors[0]).toMatchObject({
      path: 'lines[0].certificateNumber',
      rule: 'origin.certificateInvalid',
    });
    expect(await count('firstline_declarations')).toBe(before);
  });

  it('direct release: released at once, entered into the book later within the deadline', async () => {
    const [parts] = world.itemIds as [string];
    const res = await post(
      '/api/v1/firstline/declarations',
      declaration([bookLine(parts)], { directRelease: true }),
      trader,
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'RELEASED', directRelease: true, ledgerDocumentId: null });
    expect(res.json().directReleaseId).toEqual(expect.any(String));
    expect(await onHand(parts)).toBe('110');
    const mixed = await post(
      '/api/v1/firstline/declarations',
      declaration([bookLine(parts), wine], { directRelease: true }),
      trader,
    );
    expect([mixed.statusCode, mixed.json().errors[0].rule]).toEqual([422, 'firstLine.directReleaseBookOnly']);
  });

  it('malformed bodies are 400 naming the field; the same requestId answers the first filing', async () => {
    const bad = await post('/api/v1/firstline/declarations', declaration([{ ...wine, valueCny: 10000 }]), trader);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('lines[0].valueCny');
    const noCode = await post('/api/v1/firstline/declarations', declaration([{ ...wine, hsCode: undefined }]), trader);
    expect([noCode.statusCode, noCode.json().errors[0].path]).toEqual([400, 'lines[0].hsCode']);
    const body = declaration([wine], { bookId: undefined });
    const first = (await post('/api/v1/firstline/declarations', body, trader)).json();
    const again = await post('/api/v1/firstline/declarations', body, trader);
    expect(again.json().id).toBe(first.id);
    const other = await post('/api/v1/firstline/declarations', { ...body, port: 'CNHAK-PORT' }, trader);
    expect(other.statusCode).toBe(409);
    expect((await post('/api/v1/firstline/declarations', body, officer)).statusCode).toBe(403);
  });
});

describe('a held declaration and an export', () => {
  it('held by risk: the trader sees the state only; an officer releases it, posting the book and billing', async () => {
    const stop = await forceRed(t.ctx, "decl.kind == 'FIRST_LINE_IMPORT'");
    const [parts] = world.itemIds as [string];
    const res = await post(
      '/api/v1/firstline/declarations',
      declaration([bookLine(parts, { quantity: '5' }), wine]),
      trader,
    );
    await stop();
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({
      state: 'HELD',
      stateReason: '待查验 held for inspection',
      billId: null,
      ledgerDocumentId: null,
    });
    expect('risk' in d).toBe(false);
    expect(riskLeaks(d)).toEqual([]);
    expect(riskLeaks((await get(`/api/v1/firstline/declarations/${d.id}`, trader)).json())).toEqual([]);
    expect(riskLeaks((await get('/api/v1/firstline/declarations', trader)).json())).toEqual([]);
    expect(await onHand(parts)).toBe('110');
    const seen = (await get(`/api/v1/firstline/declarations/${d.id}`, officer)).json();
    expect(seen.risk).toMatchObject({ level: 'RED', selected: true });
    expect(Object.keys(seen.risk).sort()).toEqual(['action', 'features', 'level', 'reasons', 'score', 'selected']);
    expect(
      (await get('/api/v1/firstline/declarations?state=HELD', officer)).json().items.map((x: { id: string }) => x.id),
    ).toContain(d.id);

    const byTrader = await post(
      `/api/v1/firstline/declarations/${d.id}/decide`,
      { decision: 'RELEASE', reason: 'ok' },
      trader,
    );
    expect(byTrader.statusCode).toBe(403);
    const released = await post(
      `/api/v1/firstline/declarations/${d.id}/decide`,
      { decision: 'RELEASE', reason: 'inspected: goods match' },
      officer,
    );
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ state: 'RELEASED' });
    expect(released.json().billId).toEqual(expect.any(String));
    expect(await onHand(parts)).toBe('115');
    const twice = await post(
      `/api/v1/firstline/declarations/${d.id}/decide`,
      { decision: 'REJECT', reason: 'again' },
      officer,
    );
    expect([twice.statusCode, twice.json().errors[0].rule]).toEqual([422, 'firstLine.notHeld']);
  });

  it('a refused declaration gives its licence back: once, audited, never above what was granted', async () => {
    const dept = await t.authFor('department', { scope: { department: 'commerce' } });
    const licence = {
      number: 'RT-FL-0002',
      licenceType: 'RADIO_TYPE_APPROVAL',
      holderUscc: world.uscc,
      goods: 'radio transceivers',
      hsPrefixes: ['8525'],
      unit: 'SET',
      quantity: '10',
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
    };
    expect((await post('/api/v1/licences', licence, dept)).statusCode).toBe(200);
    const radios = world.itemIds[1]!;
    const line = bookLine(radios, { description: 'radio transceivers', quantity: '6', licenceNumber: 'RT-FL-0002' });
    const stop = await forceRed(t.ctx, "decl.kind == 'FIRST_LINE_IMPORT'");
    const res = await post('/api/v1/firstline/declarations', declaration([line]), trader);
    await stop();
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('HELD');
    const read = async () => (await get('/api/v1/licences/RT-FL-0002', trader)).json().licence;
    expect(await read()).toMatchObject({ used: '6', remaining: '4' });
    const refused = await post(
      `/api/v1/firstline/declarations/${d.id}/decide`,
      { decision: 'REJECT', reason: 'inspected: goods differ from the licence' },
      officer,
    );
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json().state).toBe('REJECTED');
    expect(await read()).toMatchObject({ used: '0', remaining: '10' });
    const returns = () =>
      queryRows<{ action: string; n: number }>(
        t.ctx.db,
        sql`select action, count(*)::int as n from audit_entries
            where subject = 'licence:RT-FL-0002' group by action order by action`,
      );
    expect(await returns()).toEqual([
      { action: 'licence.register', n: 1 },
      { action: 'licence.return', n: 1 },
      { action: 'licence.use', n: 1 },
    ]);
    // Given back again (a replay, another caller): nothing more returns, nothing more is written.
    const useId = d.lines[0].licence.useId as string;
    const again = await runCommand(t.ctx, 'licence.return', (tx) =>
      returnLicenceUseTx(tx, t.ctx, officerActor, { useId, reason: 'replayed' }),
    );
    expect(again).toMatchObject({ returned: false, quantity: '6', licence: { used: '0', remaining: '10' } });
    expect(await returns()).toHaveLength(3);
    expect(await count('licence_returns')).toBe(1);
    // The quantity came back for real: the full ten can be written off again, and not one more.
    const full = await post('/api/v1/firstline/declarations', declaration([{ ...line, quantity: '10' }]), trader);
    expect(full.statusCode, full.body).toBe(201);
    expect(await read()).toMatchObject({ used: '10', remaining: '0' });
    const over = await post('/api/v1/firstline/declarations', declaration([{ ...line, quantity: '1' }]), trader);
    expect([over.statusCode, over.json().errors[0].rule]).toEqual([422, 'licence.exhausted']);
  });

  it('an export leaves the book', async () => {
    const [parts] = world.itemIds as [string];
    const body = declaration([bookLine(parts, { quantity: '15', valueCny: '2250' })], {
      direction: 'EXPORT',
      counterpartCountry: 'VN',
    });
    const res = await post('/api/v1/firstline/declarations', body, trader);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'RELEASED', direction: 'EXPORT' });
    expect(await onHand(parts)).toBe('100');
  });
});

describe('the list: filters by state, direction and enterprise, a page at a time', () => {
  type Item = { id: string; uscc: string; direction: string; state: string };
  const list = async (query: string, auth: string) => {
    const res = await get(`/api/v1/firstline/declarations${query}`, auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Item[]; total: number };
  };
  const ids = (l: { items: Item[] }) => l.items.map((d) => d.id);
  let other: { uscc: string; trader: string; id: string };

  beforeAll(async () => {
    const w = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [
        { hsCode: '8431490000', name: 'crane parts', unit: 'KG', originCountry: 'DE', quantity: '1', importedCny: '1' },
      ],
    });
    const auth = await t.authFor('enterprise_user', { enterpriseId: w.enterpriseId });
    const res = await post('/api/v1/firstline/declarations', declaration([wine], { bookId: undefined }), auth);
    expect(res.statusCode, res.body).toBe(201);
    other = { uscc: w.uscc, trader: auth, id: res.json().id };
  });

  it('an officer filters by enterprise and direction on the server; an unregistered USCC finds none', async () => {
    const theirs = await list(`?uscc=${other.uscc}&pageSize=200`, officer);
    expect([ids(theirs), theirs.total]).toEqual([[other.id], 1]);
    const mine = await list(`?uscc=${world.uscc}&pageSize=200`, officer);
    expect(mine.total).toBeGreaterThan(5);
    expect(mine.items.every((d) => d.uscc === world.uscc)).toBe(true);
    const exports = await list(`?uscc=${world.uscc}&direction=EXPORT&pageSize=200`, officer);
    const imports = await list(`?uscc=${world.uscc}&direction=IMPORT&pageSize=200`, officer);
    expect(exports.total).toBeGreaterThanOrEqual(1);
    expect(exports.items.every((d) => d.direction === 'EXPORT')).toBe(true);
    expect(imports.items.every((d) => d.direction === 'IMPORT')).toBe(true);
    expect(exports.total + imports.total).toBe(mine.total);
    expect(new Set([...ids(exports), ...ids(imports)])).toEqual(new Set(ids(mine)));
    const heldImports = await list(`?direction=IMPORT&state=REJECTED&pageSize=200`, officer);
    expect(heldImports.total).toBeGreaterThanOrEqual(1);
    expect(heldImports.items.every((d) => d.direction === 'IMPORT' && d.state === 'REJECTED')).toBe(true);
    expect(await list(`?uscc=${randomUscc()}`, officer)).toEqual({ items: [], total: 0 });
  });

  it("a trader reads its own only: another enterprise's USCC reveals nothing", async () => {
    const own = await list('?pageSize=200', trader);
    expect(own.items.every((d) => d.uscc === world.uscc)).toBe(true);
    expect(ids(own)).not.toContain(other.id);
    expect(await list(`?uscc=${other.uscc}&pageSize=200`, trader)).toEqual(own);
    expect(await list(`?uscc=${randomUscc()}&pageSize=200`, trader)).toEqual(own);
    const theirs = await list(`?uscc=${world.uscc}`, other.trader);
    expect([ids(theirs), theirs.total]).toEqual([[other.id], 1]);
    expect(riskLeaks(own)).toEqual([]);
  });

  it('pages newest first, each row once', async () => {
    const all = await list(`?uscc=${world.uscc}&pageSize=200`, officer);
    const pages: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 2); page++) {
      const p = await list(`?uscc=${world.uscc}&pageSize=2&page=${page}`, officer);
      expect(p.total).toBe(all.total);
      expect(p.items.length).toBeLessThanOrEqual(2);
      pages.push(...ids(p));
    }
    expect(pages).toEqual(ids(all));
    expect((await list('?pageSize=200', officer)).items.length).toBe(all.total + 1);
    expect((await list(`?uscc=${world.uscc}&pageSize=2&page=${all.total}`, officer)).items).toEqual([]);
  });

  it('a bad filter is refused with a problem naming the field', async () => {
    for (const [query, field] of [
      ['?direction=SIDEWAYS', 'direction'],
      ['?uscc=91460000ABC', 'uscc'],
      ['?state=DONE', 'state'],
      ['?pageSize=500', 'pageSize'],
    ] as const) {
      for (const auth of [officer, trader]) {
        const res = await get(`/api/v1/firstline/declarations${query}`, auth);
        expect(res.statusCode, query).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json().errors[0].path, query).toBe(field);
      }
    }
  });
});
