import { describe, expect, it } from 'vitest';
import { PARAMETER_DEFINITIONS } from './parameters.ts';
import { DEFAULT_PARAMETERS } from './parameters.ts';
import { defineParameters, validateDefinitions, valueViolations } from '../platform/parameters/definition.ts';
import { wholeNumber } from '../platform/parameters/definition.ts';
import { useParameterDefinitions } from '../platform/parameters/service.ts';

const def = (name: string) => PARAMETER_DEFINITIONS.find((d) => d.name === name)!;

describe('policy parameter definitions', () => {
  it('every seeded parameter has a schema, and every seed satisfies it', () => {
    const defined = new Set(PARAMETER_DEFINITIONS.map((d) => d.name));
    expect(DEFAULT_PARAMETERS.filter((p) => !defined.has(p.name)).map((p) => p.name)).toEqual([]);
    expect(() => validateDefinitions(PARAMETER_DEFINITIONS)).not.toThrow();
    for (const d of PARAMETER_DEFINITIONS) expect(d.description.length, d.name).toBeGreaterThan(10);
  });

  it('ledger.reservationTtlHours is a whole number of hours from 1 to 720', () => {
    const ttl = def('ledger.reservationTtlHours');
    for (const bad of ['abc', '72', -5, 0, 721, 1.5, null, Number.NaN]) {
      const message = 'Use a whole number of hours from 1 to 720.';
      const rule = 'parameters.ledger.reservationTtlHours';
      expect(valueViolations(ttl, bad), String(bad)).toEqual([{ path: '', rule, message }]);
    }
    for (const good of [1, 72, 720]) expect(valueViolations(ttl, good)).toEqual([]);
  });

  it.each([
    ['gate.weightToleranceRatio', '1.5', ''],
    ['gate.weightToleranceMinKg', 300, ''],
    ['tax.vatRates', ['0.13', 'x'], '[1]'],
    ['tax.exchangeRateDay', { monthsBack: 1, weekday: 7, ordinal: 3, holidayOrdinal: 4 }, '.weekday'],
    ['tax.publicHolidays', [{ name: 'x', from: '2026-02-10', to: '2026-02-01' }], '[0].to'],
    ['risk.levelThresholds', { red: '30', yellow: '60' }, '.yellow'],
    ['risk.retrain', { intervalDays: 7, minLabelled: 150, validationShare: '0.2', extra: 1 }, ''],
    ['declarations.centralizedDeclarationDueDay', 31, ''],
    ['credit.focusPeriodYears', 0, ''],
    ['dutyfree.minimumAge', -1, ''],
  ])('%s refuses %j (at value%s)', (name, value, path) => {
    const wrong = valueViolations(def(name), value);
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong[0]!.path).toBe(path);
  });

  it('a seed without a schema, or one that breaks its schema, stops the start', () => {
    const seed = { name: 'ledger.reservationTtlHours', value: 'abc', validFrom: '2025-12-18', reason: 'a bad default' };
    expect(() => defineParameters({}, [seed])).toThrow(/ledger.reservationTtlHours has seeds but no schema/);
    const spec = { description: 'Hours a reservation stays open.', schema: wholeNumber(1, 720, 'hours') };
    const bad = defineParameters({ 'ledger.reservationTtlHours': spec }, [seed]);
    expect(() => useParameterDefinitions(bad)).toThrow(/TtlHours \(seed from 2025-12-18\): Use a whole number/);
  });
});
