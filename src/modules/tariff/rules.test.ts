import { describe, expect, it } from 'vitest';
import { selectDuty, versionInForce, withTableRates, type SelectionFacts, type TariffLine } from './rules.ts';
import { parseTariffCsv } from './tariffFile.ts';

const WINE: TariffLine = {
  code: '2204210000',
  description: 'wine',
  unit: '升',
  validFrom: '2025-01-01',
  validTo: null,
  mfn: { rate: '0.14' },
  general: { rate: '1.8' },
  provisional: { rate: '0.1' },
  provisionalTo: '2026-01-01',
  conventional: [
    { agreement: 'CN-CL', origins: ['CL'], rate: '0' },
    { agreement: 'TEST', origins: ['FR'], rate: '0.12' },
  ],
  consumptionTax: { rate: '0.1' },
  vatRate: '0.13',
};
const facts = (f: Partial<SelectionFacts>): SelectionFacts => ({
  origin: 'US',
  date: '2025-06-01',
  generalRateOrigins: ['KP'],
  ...f,
});

describe('selectDuty', () => {
  it.each([
    ['MFN origin, provisional in force and lower', facts({}), 'PROVISIONAL', '0.1'],
    ['MFN origin, provisional expired', facts({ date: '2026-01-01' }), 'MFN', '0.14'],
    ['origin of an agreement: conventional 0', facts({ origin: 'CL' }), 'CONVENTIONAL', '0'],
    ['agreement rate above the provisional: the lower applies', facts({ origin: 'FR' }), 'PROVISIONAL', '0.1'],
    ['agreement origin, no certificate', facts({ origin: 'CL', conventionalAllowed: false }), 'PROVISIONAL', '0.1'],
    ['origin without MFN treatment: general, never provisional', facts({ origin: 'KP' }), 'GENERAL', '1.8'],
    ['origin not stated: MFN treatment', facts({ origin: null }), 'PROVISIONAL', '0.1'],
  ])('%s', (_name, f, kind, rate) => {
    const d = selectDuty(WINE, f);
    expect([d.kind, d.rate]).toEqual([kind, rate]);
    expect(d.rule).toBe(`tariff.rate.${kind.toLowerCase()}`);
  });

  it('a provisional rate above MFN never applies', () => {
    const d = selectDuty({ ...WINE, provisional: { rate: '0.2' } }, facts({}));
    expect([d.kind, d.rate]).toEqual(['MFN', '0.14']);
  });

  it('compares a specific duty with an ad valorem one by what it costs on the goods', () => {
    const beer: TariffLine = { ...WINE, mfn: { rate: '0', perUnit: '0.5' }, provisional: { rate: '0.05' } };
    beer.conventional = [];
    // 1,000 L worth 20,000: 500 specific against 1,000 ad valorem.
    expect(selectDuty(beer, facts({ customsValue: '20000', quantity: '1000' })).kind).toBe('MFN');
    // 1,000 L worth 5,000: 500 specific against 250 ad valorem.
    expect(selectDuty(beer, facts({ customsValue: '5000', quantity: '1000' })).kind).toBe('PROVISIONAL');
  });
});

describe('versionInForce', () => {
  const rows = [
    { validFrom: '2025-01-01', validTo: null, version: 1, rate: '0.14' },
    { validFrom: '2025-01-01', validTo: null, version: 3, rate: '0.15' },
    { validFrom: '2026-01-01', validTo: null, version: 2, rate: '0.12' },
    { validFrom: '2024-01-01', validTo: '2025-01-01', version: 4, rate: '0.2' },
  ];
  it.each([
    ['2024-12-31', '0.2'],
    ['2025-06-01', '0.15'],
    ['2026-01-01', '0.12'],
    ['2023-12-31', null],
  ])('on %s the rate is %s', (date, rate) => {
    expect(versionInForce(rows, date)?.rate ?? null).toBe(rate);
  });
});

describe('withTableRates', () => {
  const table = { duty: { rate: '0', perUnit: '0.5' }, consumptionTax: { rate: '0.1' }, vatRate: '0.13' };
  it('a line with its duty and VAT rates is taken as it is', () => {
    const line = { dutyRate: '0.2', vatRate: '0.09' };
    expect(withTableRates(line, table)).toEqual(line);
  });
  it('a line without rates takes the duty, consumption tax and VAT of the table', () => {
    const line = { hsCode: 'x' } as { hsCode: string; dutyRate?: string };
    const rated = { hsCode: 'x', dutyRate: '0', specificDutyPerUnit: '0.5', vatRate: '0.13' };
    Object.assign(rated, { consumptionTaxRate: '0.1' });
    expect(withTableRates(line, table)).toEqual(rated);
  });
  it('a line with its duty rate only takes the VAT and keeps its duty', () => {
    const rated = { dutyRate: '0.3', vatRate: '0.13', consumptionTaxRate: '0.1' };
    expect(withTableRates({ dutyRate: '0.3' }, table)).toEqual(rated);
  });
});

describe('parseTariffCsv', () => {
  const header = 'code,description,unit,validFrom,mfnRate,generalRate,provisionalRate,conventional,vatRate';
  it('names every bad row by line and field and keeps the good ones apart', () => {
    const r = parseTariffCsv(
      [
        header,
        '2204210000,wine,升,2025-01-01,0.14,1.8,,CN-CL:CL=0,0.13',
        '22042100,wine,升,2025-01-01,0.14,1.8,,,0.13',
        '2204210000,wine,升,2025-02-30,0.14,1.8,,,0.13',
        '2204210000,wine,升,2025-01-01,0.14,1.8,,CN-CL:XX=0,1.13',
        '2204210000,wine,升,2025-01-01,0.14,1.8,,,0.13',
      ].join('\n'),
    );
    expect(r.errors.map((e) => [e.line, e.path, e.rule])).toEqual([
      [3, 'code', 'HS.length'],
      [4, 'validFrom', 'tariff.file.date'],
      [5, 'conventional', 'ISO3166.unknown'],
      [5, 'vatRate', 'tariff.file.format'],
      [6, 'code', 'tariff.file.twice'],
    ]);
    expect(r.rows).toHaveLength(1);
  });
});
