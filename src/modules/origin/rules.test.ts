import { describe, expect, it } from 'vitest';
import { certificateViolation, type CertificateFacts, type DeclaredLine } from './rules.ts';
import { selectDuty, type TariffLine } from '../tariff/rules.ts';

const CERT: CertificateFacts = {
  agreement: 'CHAFTA',
  number: 'CO-AU-2026-001',
  originCountry: 'AU',
  importerEnterpriseId: 'e1',
  goods: [{ hsCode: '020230', description: 'frozen boneless beef' }],
  issuedOn: '2026-10-01',
  validUntil: '2027-09-30',
  status: 'VALID',
};
const LINE: DeclaredLine = {
  hsCode: '0202300090',
  originCountry: 'AU',
  enterpriseId: 'e1',
  date: '2026-11-23',
  agreement: 'CHAFTA',
};

describe('certificateViolation', () => {
  it.each([
    ['valid', {}, {}, null],
    ['no certificate', null, {}, 'missing'],
    ['revoked', { status: 'REVOKED' as const }, {}, 'revoked'],
    ['another agreement', {}, { agreement: 'RCEP' }, 'agreement'],
    ['another origin', {}, { originCountry: 'NZ' }, 'origin'],
    ['another importer', {}, { enterpriseId: 'e2' }, 'importer'],
    ['any importer when none named', { importerEnterpriseId: null }, { enterpriseId: 'e2' }, null],
    ['other goods', {}, { hsCode: '0201300090' }, 'goods'],
    ['before issue', {}, { date: '2026-09-30' }, 'notYetValid'],
    ['on its last day', {}, { date: '2027-09-30' }, null],
    ['after its last day', {}, { date: '2027-10-01' }, 'expired'],
  ])('%s', (_what, cert, line, reason) => {
    const v = certificateViolation(cert === null ? null : { ...CERT, ...cert }, { ...LINE, ...line });
    expect(v?.reason ?? null).toBe(reason);
    if (v) expect(v.rule).toBe('origin.certificateInvalid');
  });
});

const BEEF: TariffLine = {
  code: '0202300090',
  description: 'beef',
  unit: 'kg',
  validFrom: '2025-01-01',
  validTo: null,
  mfn: { rate: '0.12' },
  general: { rate: '0.7' },
  provisional: null,
  provisionalTo: null,
  conventional: [{ agreement: 'CHAFTA', origins: ['AU'], rate: '0' }],
  consumptionTax: null,
  vatRate: '0.09',
};

describe('the conventional rate rests on the certificate (the tariff hook)', () => {
  it.each([
    ['with a valid certificate: conventional', true, 'CONVENTIONAL', '0'],
    ['without one: MFN', false, 'MFN', '0.12'],
  ])('%s', (_what, conventionalAllowed, kind, rate) => {
    const d = selectDuty(BEEF, { origin: 'AU', date: '2026-11-23', generalRateOrigins: [], conventionalAllowed });
    expect([d.kind, d.rate]).toEqual([kind, rate]);
  });
});
