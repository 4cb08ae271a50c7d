import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../support/app.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';
import { createEnterprise } from '../../src/modules/subjects/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { ratesWithOrigin } from '../../src/modules/origin/service.ts';

/**
 * Certificates of origin: pushed by a department or entered by an officer, checked against a line
 * over HTTP, and a conventional rate only with a valid certificate (the tariff module's hook).
 */
let t: TestApp;
let dept: string;
let officer: string;
let importer: { id: string; uscc: string };

const post = (url: string, body: unknown, auth: string) => t.request({ method: 'POST', url, body, auth });
const cert = (o: Record<string, unknown> = {}) => ({
  agreement: 'CHAFTA',
  number: 'CO-AU-2026-0001',
  originCountry: 'AU',
  exporter: 'Queensland Prime Meats Pty Ltd',
  importerUscc: importer.uscc,
  goods: [{ hsCode: '020230', description: 'frozen boneless beef' }],
  issuedOn: '2026-01-05',
  validUntil: '2027-01-04',
  ...o,
});

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  dept = await t.authFor('department', { scope: { department: 'customs-origin' } });
  officer = await t.authFor('inspector');
  const uscc = randomUscc();
  const e = await createEnterprise(t.ctx, systemActor('test'), {
    uscc,
    name: `进口企业 Importer ${uscc.slice(-6)}`,
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: 'test',
    encouragedIndustry: false,
  });
  importer = { id: e.id, uscc };
  const admin = await t.authFor('admin', { name: 'admin' });
  const csv = readFileSync('src/modules/tariff/sample/tariff-2025.csv', 'utf8');
  expect((await post('/api/v1/tariff/import', { csv, source: 'sample' }, admin)).statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

describe('certificates of origin', () => {
  it('a department pushes one; the same push again changes nothing; an officer enters another', async () => {
    const first = await post('/api/v1/origin/certificates', cert(), dept);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, source: 'DEPARTMENT', importerUscc: importer.uscc });
    expect((await post('/api/v1/origin/certificates', cert(), dept)).json().version).toBe(1);
    const entered = await post(
      '/api/v1/origin/certificates',
      cert({ number: 'CO-AU-2025-0099', issuedOn: '2025-01-10', validUntil: '2026-01-09' }),
      officer,
    );
    expect(entered.json()).toMatchObject({ version: 1, source: 'ENTERED' });
    const bad = await post('/api/v1/origin/certificates', cert({ number: 'X1', originCountry: 'XX' }), dept);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['number', 'originCountry']);
    const list = await t.request({ method: 'GET', url: '/api/v1/origin/certificates', auth: officer });
    expect(list.json().items).toHaveLength(2);
  });

  it.each([
    ['valid', {}, true, null],
    ['expired', { certificateNumber: 'CO-AU-2025-0099' }, false, 'expired'],
    ['other goods', { hsCode: '0201300090' }, false, 'goods'],
    ['other origin', { originCountry: 'NZ' }, false, 'origin'],
    ['unknown number', { certificateNumber: 'CO-AU-0000-0000' }, false, 'missing'],
  ])('the check over HTTP: %s', async (_what, o, valid, reason) => {
    const body = {
      certificateNumber: 'CO-AU-2026-0001',
      hsCode: '0202300090',
      originCountry: 'AU',
      importerUscc: importer.uscc,
      date: '2026-11-23',
      ...o,
    };
    const res = await post('/api/v1/origin/check', body, officer);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ valid, reason, rule: valid ? null : 'origin.certificateInvalid' });
  });

  it('a conventional rate only with a valid certificate', async () => {
    const q = {
      code: '0202300090',
      origin: 'AU',
      date: '2026-11-23',
      enterpriseId: importer.id,
      path: 'lines[0].certificateNumber',
    };
    const none = await ratesWithOrigin(t.ctx.db, q);
    expect([none!.duty.kind, none!.duty.rate, none!.certificate]).toEqual(['MFN', '0.12', null]);
    const valid = await ratesWithOrigin(t.ctx.db, { ...q, certificateNumber: 'CO-AU-2026-0001' });
    expect([valid!.duty.kind, valid!.duty.rate]).toEqual(['CONVENTIONAL', '0']);
    expect(valid!.certificate).toEqual({ agreement: 'CHAFTA', number: 'CO-AU-2026-0001' });
    const expired = await ratesWithOrigin(t.ctx.db, { ...q, certificateNumber: 'CO-AU-2025-0099' }).catch((e) => e);
    expect(expired).toBeInstanceOf(Problem);
    expect([expired.status, expired.errors[0].path, expired.errors[0].rule]).toEqual([
      422,
      'lines[0].certificateNumber',
      'origin.certificateInvalid',
    ]);
  });
});
