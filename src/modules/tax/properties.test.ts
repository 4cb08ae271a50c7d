import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { D } from './money.ts';
import { computeRoute, type Route, type RouteLine } from './treatment.ts';
import { chainValueAdded } from './valueAdded.ts';
import { exchangeRateDay, type HolidayRange } from './exchangeRates.ts';
import { formatValueAddedNumber, parseValueAddedNumber } from './valueAddedNumbers.ts';
import { DEFAULT_TAX_PARAMETERS } from './rules.ts';
import { DEFAULT_PARAMETERS } from '../parameters.ts';

const cents = (max: number) => fc.integer({ min: 0, max }).map((c) => (c / 100).toFixed(2));
const amount = cents(5_000_000_00);
const rate = fc.integer({ min: 0, max: 9000 }).map((r) => (r / 10000).toString());
const perUnit = fc.option(
  fc.integer({ min: 1, max: 50_000 }).map((r) => (r / 1000).toString()),
  { nil: undefined },
);

const lineArb = fc.record({
  customsValue: amount,
  importedShare: fc.integer({ min: 0, max: 100 }),
  dutyRate: rate,
  consumptionTaxRate: fc.option(rate, { nil: undefined }),
  vatRate: fc.constantFrom('0.13', '0.09'),
  quantity: fc.integer({ min: 1, max: 100_000 }).map(String),
  specificDutyPerUnit: perUnit,
  specificConsumptionTaxPerUnit: perUnit,
  inTaxedCatalogue: fc.boolean(),
});

const routeArb: fc.Arbitrary<Route> = fc.oneof(
  fc.constant<Route>({ kind: 'IMPORT' }),
  fc.boolean().map<Route>((b) => ({ kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: b })),
  fc.boolean().map<Route>((b) => ({ kind: 'ISLAND_TRANSFER', transfereeIsBeneficiary: b })),
  fc
    .record({
      goods: fc.constantFrom('ZERO_TARIFF' as const, 'PROCESSED' as const),
      domesticVatPaid: fc.boolean(),
      meets: fc.boolean(),
    })
    .map<Route>((r) => ({
      kind: 'SECOND_LINE_EXIT',
      goods: r.goods,
      domesticVatPaid: r.domesticVatPaid,
      valueAdded: { ratio: new D(r.meets ? '0.4' : '0.1'), threshold: '0.30', meetsThreshold: r.meets },
    })),
);

type LineFacts = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

function toLine(l: LineFacts, scale = new D(1)): RouteLine {
  const value = new D(l.customsValue).times(scale).toFixed(2);
  return {
    hsCode: '8517130000',
    customsValue: value,
    importedContentValue: new D(value).times(l.importedShare).div(100).toFixed(2),
    dutyRate: l.dutyRate,
    vatRate: l.vatRate,
    quantity: l.quantity,
    inTaxedCatalogue: l.inTaxedCatalogue,
    ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
    ...(l.specificDutyPerUnit ? { specificDutyPerUnit: l.specificDutyPerUnit } : {}),
    ...(l.specificConsumptionTaxPerUnit ? { specificConsumptionTaxPerUnit: l.specificConsumptionTaxPerUnit } : {}),
  };
}

function compute(route: Route, lines: RouteLine[]) {
  const r = computeRoute(route, lines, DEFAULT_TAX_PARAMETERS);
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  return r.value;
}

// Property runs are CPU-bound: on a loaded shared machine they need more than the 5 s default.
const SLOW = 30_000;

describe('tax properties, every route', { timeout: SLOW }, () => {
  it('no tax is ever negative, and every total is exactly the sum of its parts', () => {
    fc.assert(
      fc.property(routeArb, fc.array(lineArb, { minLength: 1, maxLength: 5 }), (route, lines) => {
        const d = compute(
          route,
          lines.map((l) => toLine(l)),
        );
        for (const l of d.lines) {
          for (const t of [l.duty, l.consumptionTax, l.vat]) expect(t.amount.isNeg()).toBe(false);
          expect(l.total.eq(l.duty.amount.plus(l.consumptionTax.amount).plus(l.vat.amount))).toBe(true);
        }
        const sum = (pick: (x: (typeof d.lines)[number]) => InstanceType<typeof D>) =>
          d.lines.reduce((s, x) => s.plus(pick(x)), new D(0));
        expect(d.duty.eq(sum((l) => l.duty.amount))).toBe(true);
        expect(d.consumptionTax.eq(sum((l) => l.consumptionTax.amount))).toBe(true);
        expect(d.vat.eq(sum((l) => l.vat.amount))).toBe(true);
        expect(d.total.eq(d.duty.plus(d.consumptionTax).plus(d.vat))).toBe(true);
        // Every amount is whole fen.
        for (const x of [d.duty, d.consumptionTax, d.vat]) expect(x.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });

  it('raising the values of a declaration never lowers any of its taxes (the 50 CNY threshold included)', () => {
    fc.assert(
      fc.property(
        routeArb,
        fc.array(lineArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 100, max: 400 }),
        (route, lines, pct) => {
          const lo = compute(
            route,
            lines.map((l) => toLine(l)),
          );
          const hi = compute(
            route,
            lines.map((l) => toLine(l, new D(pct).div(100))),
          );
          expect(hi.duty.gte(lo.duty)).toBe(true);
          expect(hi.consumptionTax.gte(lo.consumptionTax)).toBe(true);
          expect(hi.vat.gte(lo.vat)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('raising a rate never lowers the tax it drives', () => {
    fc.assert(
      fc.property(lineArb, rate, (l, other) => {
        const line = toLine(l);
        const [low, high] = new D(other).lt(line.dutyRate) ? [other, line.dutyRate] : [line.dutyRate, other];
        const a = compute({ kind: 'IMPORT' }, [{ ...line, dutyRate: low }]);
        const b = compute({ kind: 'IMPORT' }, [{ ...line, dutyRate: high }]);
        expect(b.duty.gte(a.duty)).toBe(true);
        expect(b.total.gte(a.total)).toBe(true);
      }),
    );
  });

  it('an exemption never costs more than paying', () => {
    fc.assert(
      fc.property(lineArb, fc.boolean(), (l, meets) => {
        const line = toLine(l);
        const exit = (domesticVatPaid: boolean, m: boolean) =>
          compute(
            {
              kind: 'SECOND_LINE_EXIT',
              goods: 'PROCESSED',
              domesticVatPaid,
              valueAdded: { ratio: new D(m ? '0.5' : '0.1'), threshold: '0.30', meetsThreshold: m },
            },
            [line],
          ).total;
        expect(exit(true, meets).lte(exit(false, meets))).toBe(true);
        expect(exit(false, true).lte(exit(false, false))).toBe(true);
      }),
    );
  });
});

describe('value-added properties', { timeout: SLOW }, () => {
  const money = cents(10_000_000_00);
  const positive = fc.integer({ min: 1, max: 10_000_000_00 }).map((c) => (c / 100).toFixed(2));
  it('a higher sale price never lowers the ratio; Hainan-made inputs never change it', () => {
    fc.assert(
      fc.property(money, money, positive, money, money, (p1, p2, imported, domestic, hainan) => {
        const [lo, hi] = new D(p1).lt(p2) ? [p1, p2] : [p2, p1];
        const a = chainValueAdded(
          { salePrice: lo, importedMaterials: [imported], domesticMaterials: [domestic] },
          '0.30',
        );
        const b = chainValueAdded(
          { salePrice: hi, importedMaterials: [imported], domesticMaterials: [domestic], hainanMadeInputs: [hainan] },
          '0.30',
        );
        const c = chainValueAdded(
          { salePrice: hi, importedMaterials: [imported], domesticMaterials: [domestic] },
          '0.30',
        );
        if (!a.ok || !b.ok || !c.ok) throw new Error('must compute');
        expect(b.value.result.ratio.gte(a.value.result.ratio)).toBe(true);
        expect(b.value.result.ratio.eq(c.value.result.ratio)).toBe(true);
      }),
    );
  });

  it('an upstream that sold at or above its material cost never lowers the chain ratio below the own ratio', () => {
    fc.assert(
      fc.property(
        positive,
        money,
        fc.integer({ min: 0, max: 200 }),
        money,
        money,
        fc.integer({ min: 1, max: 1000 }),
        (upImported, upDomestic, marginPct, salePrice, domestic, used) => {
          const cost = new D(upImported).plus(upDomestic);
          const record = {
            number: 'LJ202664010000000125',
            salePrice: cost
              .times(100 + marginPct)
              .div(100)
              .toFixed(2),
            quantity: '1000',
            importedMaterials: upImported,
            domesticMaterials: upDomestic,
            hainanMadeInputs: '0',
          };
          // Each share is rounded to the fen on its own: the premise is that the price share covers the material
          // shares.
          const share = (v: string) => new D(v).times(used).div(1000).toDecimalPlaces(2, D.ROUND_HALF_UP);
          fc.pre(share(record.salePrice).gte(share(upImported).plus(share(upDomestic))));
          const r = chainValueAdded(
            {
              salePrice,
              importedMaterials: [],
              domesticMaterials: [domestic],
              upstream: [{ record, quantityUsed: String(used) }],
            },
            '0.30',
          );
          if (!r.ok) return; // all materials rounded to zero: no ratio, nothing to compare
          expect(r.value.chain!.ratio.gte(r.value.own.ratio)).toBe(true);
        },
      ),
    );
  });
});

describe('rate day and number properties', { timeout: SLOW }, () => {
  const rule = DEFAULT_PARAMETERS.find((p) => p.name === 'tax.exchangeRateDay')!.value as {
    monthsBack: number;
    weekday: number;
    ordinal: number;
    holidayOrdinal: number;
  };
  const holidays = DEFAULT_PARAMETERS.find((p) => p.name === 'tax.publicHolidays')!.value as HolidayRange[];
  it('is always a Wednesday of the previous month, from the 15th to the 28th, never a holiday', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const date = d.toISOString().slice(0, 10);
          const r = exchangeRateDay(date, rule, holidays);
          if (!r.ok) throw new Error(r.violation.message);
          const day = new Date(`${r.value.date}T00:00:00Z`);
          expect(day.getUTCDay()).toBe(3);
          expect(day.getUTCDate()).toBeGreaterThanOrEqual(15);
          expect(day.getUTCDate()).toBeLessThanOrEqual(28);
          const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
          expect(r.value.date.slice(0, 7)).toBe(prev.toISOString().slice(0, 7));
          expect(holidays.some((h) => h.from <= r.value.date && r.value.date <= h.to)).toBe(false);
        },
      ),
    );
  });

  it('every number round-trips, and any single mistyped digit is caught', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('CONFIRMATION' as const, 'CUMULATIVE' as const),
        fc.integer({ min: 2020, max: 2099 }),
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 2, max: 19 }),
        fc.integer({ min: 1, max: 9 }),
        (kind, year, code, serial, pos, delta) => {
          const customsCode = String(code).padStart(4, '0');
          const n = formatValueAddedNumber({ kind, year, customsCode, serial });
          expect(parseValueAddedNumber(n)).toEqual({ ok: true, value: { kind, year, customsCode, serial } });
          const typo = n.slice(0, pos) + String((Number(n[pos]) + delta) % 10) + n.slice(pos + 1);
          const parsed = parseValueAddedNumber(typo);
          expect(parsed.ok).toBe(false);
        },
      ),
    );
  });
});
