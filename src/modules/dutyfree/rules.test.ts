import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { shanghaiDate } from '../../kernel/clock.ts';
import { residentIdCheckDigit } from '../../kernel/residentId.ts';
import { DUTYFREE_PARAMETERS } from './parameters.ts';
import {
  ageOn,
  ageRefusal,
  addYears,
  banRefusal,
  birthDateOf,
  categoryRefusals,
  categoryTable,
  collectionRefusals,
  departureRefusals,
  dutyfreeParameterViolations,
  idNumberViolation,
  isIslandResident,
  missingVolumes,
  quotaRefusal,
  quotaYear,
  saleAmount,
  type CategoryUsage,
  type Collection,
  type CollectionFacts,
  type SaleLine,
} from './rules.ts';
import { checkTraceCode, newTraceCode, normaliseTraceCode } from './traceCode.ts';

const seeded = (name: string, validFrom: string) =>
  DUTYFREE_PARAMETERS.find((p) => p.name === name && p.validFrom === validFrom)!.value;
const TABLE_2025 = categoryTable(seeded('dutyfree.perTripLimits', '2025-11-01'));
const TABLE_2020 = categoryTable(seeded('dutyfree.perTripLimits', '2020-07-01'));
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const residentId = (first17: string) => first17 + residentIdCheckDigit(first17);

describe('age on the purchase date', () => {
  it.each([
    ['2007-12-07', '2025-12-06', 17],
    ['2007-12-07', '2025-12-07', 18], // on the 18th birthday
    ['2007-12-07', '2025-12-08', 18],
    ['2008-02-29', '2026-02-27', 17],
    ['2008-02-29', '2026-02-28', 18], // no 29 February in 2026: the month's last day
    ['2008-02-29', '2028-02-28', 19],
    ['2008-02-29', '2028-02-29', 20], // leap year: the birthday itself
    ['2000-01-01', '1999-12-31', -1],
  ])('born %s, on %s: %i', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it.each([
    ['2007-11-02', '2025-11-01', 18, 'refused'], // 17 the day the age rose to 18
    ['2009-10-31', '2025-10-31', 16, 'allowed'], // 16 on the last day of the old rule
    ['2007-11-01', '2025-11-01', 18, 'allowed'],
  ])('born %s, buying on %s with minimum %i: %s', (birth, on, minimum, outcome) => {
    const refusal = ageRefusal(birth, on, minimum);
    expect(refusal === null ? 'allowed' : 'refused').toBe(outcome);
    if (refusal) expect(refusal).toMatchObject({ rule: 'dutyfree.age', path: 'buyer.birthDate' });
  });

  it('the birth date comes from the resident ID; another in the body is an error; other documents need one', () => {
    const id = residentId('46010020071207123');
    expect(birthDateOf('RESIDENT_ID', id, undefined)).toEqual({ birthDate: '2007-12-07' });
    expect(birthDateOf('RESIDENT_ID', id, '2007-12-07')).toEqual({ birthDate: '2007-12-07' });
    expect(birthDateOf('RESIDENT_ID', id, '2001-01-01')).toMatchObject({
      path: 'buyer.birthDate',
      rule: 'dutyfree.birthDateMismatch',
    });
    expect(birthDateOf('PASSPORT', 'E12345678', undefined)).toMatchObject({
      path: 'buyer.birthDate',
      rule: 'dutyfree.birthDateRequired',
    });
    expect(birthDateOf('PASSPORT', 'E12345678', '1990-05-01')).toEqual({ birthDate: '1990-05-01' });
  });

  it('identity documents: check digit, permits, island residents', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(idNumberViolation('RESIDENT_ID', residentId('46010019900307123'), now)).toBeNull();
    const bad =
      residentId('46010019900307123').slice(0, 17) + (residentId('46010019900307123').endsWith('0') ? '1' : '0');
    expect(idNumberViolation('RESIDENT_ID', bad, now)?.rule).toBe('GB11643.checkDigit');
    expect(idNumberViolation('HK_MACAO_PERMIT', 'H12345678', now)).toBeNull();
    expect(idNumberViolation('HK_MACAO_PERMIT', 'X12345678', now)?.rule).toBe('dutyfree.idNumber.hkMacaoPermit');
    expect(idNumberViolation('TAIWAN_PERMIT', '12345678', now)).toBeNull();
    expect(idNumberViolation('TAIWAN_PERMIT', '1234567', now)?.rule).toBe('dutyfree.idNumber.taiwanPermit');
    expect(idNumberViolation('PASSPORT', 'ABCDE', now)?.rule).toBe('passport.format');
    expect(isIslandResident('RESIDENT_ID', residentId('46010019900307123'))).toBe(true);
    expect(isIslandResident('RESIDENT_ID', residentId('44030119851120456'))).toBe(false);
    expect(isIslandResident('PASSPORT', '46010019')).toBe(false);
  });
});

describe('the quota year is the Asia/Shanghai calendar year', () => {
  it.each([
    ['2026-12-31T15:59:59.999Z', 2026], // 23:59:59.999 in Shanghai
    ['2026-12-31T16:00:00.000Z', 2027], // midnight in Shanghai, still 31 December in UTC
    ['2027-01-01T00:00:00.000Z', 2027],
  ])('%s → %i', (instant, year) => {
    expect(quotaYear(shanghaiDate(new Date(instant)))).toBe(year);
  });
});

describe('departure', () => {
  const p = { windowDays: 180, destinations: ['MAINLAND', 'ABROAD'] };
  it.each([
    ['2026-12-07', 'MAINLAND', []],
    ['2026-12-06', 'MAINLAND', ['departure.date']], // before the purchase
    ['2027-06-05', 'MAINLAND', []], // the 180th day
    ['2027-06-06', 'MAINLAND', ['departure.date']],
    ['2026-12-20', 'ABROAD', []],
  ] as const)('departing %s to %s', (date, destination, paths) => {
    expect(departureRefusals({ date, destination }, '2026-12-07', p).map((r) => r.path)).toEqual(paths);
  });

  it('travellers leaving for abroad were not covered before 2025-11-01', () => {
    const before = seeded('dutyfree.destinations', '2011-04-20') as string[];
    const refusals = departureRefusals({ date: '2025-10-20', destination: 'ABROAD' }, '2025-10-20', {
      windowDays: 180,
      destinations: before,
    });
    expect(refusals).toEqual([expect.objectContaining({ path: 'departure.destination', rule: 'dutyfree.departure' })]);
  });
});

describe('collection methods', () => {
  const params = { guaranteeMinUnitPrice: '50000', buyAndCollectMaxUnitPrice: '20000', departureDeadlineDays: 30 };
  const line = (unitPrice: string, category = 'WATCHES'): SaleLine => ({
    category,
    unitPrice,
    quantity: 1,
    piecesPerUnit: 1,
  });
  const facts = (collection: Collection, over: Partial<CollectionFacts> = {}): CollectionFacts => ({
    collection,
    islandResident: false,
    buyerHash: 'buyer',
    payerHash: 'buyer',
    mail: null,
    departureDate: '2026-12-10',
    purchaseDate: '2026-12-07',
    ...over,
  });
  const paths = (lines: SaleLine[], f: CollectionFacts) =>
    collectionRefusals(lines, f, params, TABLE_2025).map((r) => `${r.rule} ${r.path}`);

  it('departure pickup: always', () => {
    expect(paths([line('90000')], facts('DEPARTURE_PICKUP', { payerHash: 'someone else' }))).toEqual([]);
  });

  it.each([
    ['buyer = payer = recipient, Guangdong', { mail: { recipientHash: 'buyer', province: '44' } }, []],
    ['no address', { mail: null }, ['dutyfree.collection mail']],
    [
      'no payer named',
      { payerHash: null, mail: { recipientHash: 'buyer', province: '44' } },
      ['dutyfree.collection payer'],
    ],
    [
      'another payer',
      { payerHash: 'friend', mail: { recipientHash: 'buyer', province: '44' } },
      ['dutyfree.collection payer'],
    ],
    [
      'another recipient',
      { mail: { recipientHash: 'friend', province: '44' } },
      ['dutyfree.collection mail.recipient'],
    ],
    [
      'an island address',
      { mail: { recipientHash: 'buyer', province: '46' } },
      ['dutyfree.collection mail.address.province'],
    ],
    ['Hong Kong', { mail: { recipientHash: 'buyer', province: '81' } }, ['dutyfree.collection mail.address.province']],
  ])('mail: %s', (_label, over, expected) => {
    expect(paths([line('500')], facts('MAIL', over as Partial<CollectionFacts>))).toEqual(expected);
  });

  it('return pickup: island residents only', () => {
    expect(paths([line('500')], facts('RETURN_PICKUP', { islandResident: true }))).toEqual([]);
    expect(paths([line('500')], facts('RETURN_PICKUP'))).toEqual(['dutyfree.collection collection']);
  });

  it.each([
    ['50000', []],
    ['50000.00', []],
    ['49999.99', ['dutyfree.collection items[0].unitPrice']],
  ])('guarantee-and-collect at a unit price of %s', (price, expected) => {
    expect(paths([line(price)], facts('GUARANTEE_AND_COLLECT'))).toEqual(expected);
  });

  it.each([
    ['19999.99', 'COSMETICS', []],
    ['20000', 'COSMETICS', ['dutyfree.collection items[0].unitPrice']],
    ['500', 'WATCHES', ['dutyfree.collection items[0].category']], // not on the buy-and-collect list
  ])('buy-and-collect at %s for %s', (price, category, expected) => {
    expect(paths([line(price, category)], facts('BUY_AND_COLLECT'))).toEqual(expected);
  });

  it('goods taken at once: the named departure must fall within the deadline', () => {
    expect(paths([line('60000')], facts('GUARANTEE_AND_COLLECT', { departureDate: '2027-01-06' }))).toEqual([]);
    expect(paths([line('60000')], facts('GUARANTEE_AND_COLLECT', { departureDate: '2027-01-07' }))).toEqual([
      'dutyfree.collection departure.date',
    ]);
  });
});

describe('per-trip category limits, summed over the trip', () => {
  const cosmetics = (quantity: number, piecesPerUnit = 1): SaleLine => ({
    category: 'COSMETICS',
    unitPrice: '300',
    quantity,
    piecesPerUnit,
  });
  const wine = (quantity: number, volumeMl: number): SaleLine => ({
    category: 'ALCOHOL',
    unitPrice: '800',
    quantity,
    piecesPerUnit: 1,
    volumeMl,
  });
  const phone = (quantity: number): SaleLine => ({
    category: 'MOBILE_PHONE',
    unitPrice: '9000',
    quantity,
    piecesPerUnit: 1,
  });
  const used = (entries: [string, CategoryUsage][]) => new Map(entries);

  it.each([
    ['30 cosmetics in one line', [cosmetics(30)], [], []],
    ['31 cosmetics over two lines', [cosmetics(20), cosmetics(11)], [], ['items[0]']],
    ['a set of 5 counts 5 pieces', [cosmetics(6, 5)], [], []],
    ['7 sets of 5', [cosmetics(7, 5)], [], ['items[0]']],
    ['28 on the trip already + 2', [cosmetics(2)], [['COSMETICS', { pieces: 28, millilitres: 0 }]], []],
    ['28 on the trip already + 3', [cosmetics(3)], [['COSMETICS', { pieces: 28, millilitres: 0 }]], ['items[0]']],
    ['two 750 ml bottles', [wine(2, 750)], [], []],
    ['750 ml + 2 × 500 ml', [wine(1, 750), wine(2, 500)], [], ['items[0]']],
    ['1,000 ml on the trip already + 500 ml', [wine(1, 500)], [['ALCOHOL', { pieces: 1, millilitres: 1000 }]], []],
    [
      '1,000 ml on the trip already + 501 ml',
      [wine(1, 501)],
      [['ALCOHOL', { pieces: 1, millilitres: 1000 }]],
      ['items[0]'],
    ],
    ['4 phones', [phone(4)], [], []],
    ['3 phones on the trip already + 2', [phone(2)], [['MOBILE_PHONE', { pieces: 3, millilitres: 0 }]], ['items[0]']],
    [
      'watches have no per-trip limit',
      [{ category: 'WATCHES', unitPrice: '90000', quantity: 50, piecesPerUnit: 1 }],
      [],
      [],
    ],
  ] as [string, SaleLine[], [string, CategoryUsage][], string[]][])('%s', (_label, lines, usage, expected) => {
    const refusals = categoryRefusals(lines, TABLE_2025, used(usage));
    expect(refusals.map((r) => r.path)).toEqual(expected);
    for (const r of refusals) expect(r.rule).toBe('dutyfree.categoryLimit');
  });

  it('a category not on the list that day is refused; pet supplies are listed from 2025-11-01', () => {
    const pets: SaleLine[] = [{ category: 'PET_SUPPLIES', unitPrice: '200', quantity: 1, piecesPerUnit: 1 }];
    expect(categoryRefusals(pets, TABLE_2025, new Map())).toEqual([]);
    expect(categoryRefusals(pets, TABLE_2020, new Map())).toEqual([
      expect.objectContaining({ path: 'items[0].category', rule: 'dutyfree.categoryLimit' }),
    ]);
  });

  it('a volume-limited category needs the volume of each unit', () => {
    expect(
      missingVolumes([{ category: 'ALCOHOL', unitPrice: '800', quantity: 1, piecesPerUnit: 1 }], TABLE_2025),
    ).toEqual([expect.objectContaining({ path: 'items[0].volumeMl' })]);
    expect(missingVolumes([wine(1, 750), cosmetics(1)], TABLE_2025)).toEqual([]);
  });

  it('the first table (keyed by words) is read with category codes', () => {
    const legacy = categoryTable({
      cosmetics: { pieces: 30 },
      mobilePhones: { pieces: 4 },
      alcohol: { millilitres: 1500 },
    });
    expect(legacy.COSMETICS?.pieces).toBe(30);
    expect(legacy.MOBILE_PHONE?.pieces).toBe(4);
    expect(legacy.ALCOHOL?.millilitres).toBe(1500);
  });
});

describe('quota, exact to the fen', () => {
  const q = { quota: '100000.00', used: '60000.00', reserved: '39999.98' };
  it.each([
    ['0.02', true],
    ['0.03', false],
  ])('a sale of %s CNY with 0.02 left: allowed %s', (amount, allowed) => {
    const refusal = quotaRefusal(q, amount);
    expect(refusal === null).toBe(allowed);
    if (refusal) expect(refusal.rule).toBe('dutyfree.quota');
  });

  it('the amount is Σ unit price × quantity without floating point', () => {
    expect(
      saleAmount([
        { unitPrice: '0.10', quantity: 3 },
        { unitPrice: '0.20', quantity: 1 },
      ]).toFixed(2),
    ).toBe('0.50');
    expect(saleAmount([{ unitPrice: '33333.33', quantity: 3 }]).toFixed(2)).toBe('99999.99');
  });
});

describe('bans', () => {
  it('refuse from the first day to the day before validTo', () => {
    const bans = [{ validFrom: '2026-01-10', validTo: addYears('2026-01-10', 3), reason: 'MISSED_DEPARTURE' }];
    expect(banRefusal(bans, '2026-01-09')).toBeNull();
    expect(banRefusal(bans, '2026-01-10')?.rule).toBe('dutyfree.banned');
    expect(banRefusal(bans, '2029-01-09')?.rule).toBe('dutyfree.banned');
    expect(banRefusal(bans, '2029-01-10')).toBeNull();
    expect(addYears('2024-02-29', 3)).toBe('2027-02-28');
  });
});

describe('traceability codes', () => {
  it('are 16 characters, valid, and differ', () => {
    const codes = Array.from({ length: 1000 }, () => newTraceCode(randomBytes(13)));
    for (const c of codes) {
      expect(c).toMatch(/^HN[0-9A-HJKMNP-TV-Z]{13}[0-9A-Z]$/);
      expect(checkTraceCode(c)).toEqual({ valid: true });
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('one wrong character is always caught by the check character', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 13, maxLength: 13 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 35 }),
        (bytes, at, shift) => {
          const code = newTraceCode(bytes);
          const wrong = code.slice(0, at) + ALPHABET[(ALPHABET.indexOf(code[at]!) + shift) % 36] + code.slice(at + 1);
          expect(checkTraceCode(wrong).valid).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('two neighbours swapped are caught at least 99.5% of the time', () => {
    let swaps = 0;
    let missed = 0;
    for (let n = 0; n < 3000; n++) {
      const code = newTraceCode(randomBytes(13));
      for (let at = 0; at < 15; at++) {
        if (code[at] === code[at + 1]) continue;
        swaps++;
        if (checkTraceCode(code.slice(0, at) + code[at + 1] + code[at] + code.slice(at + 2)).valid) missed++;
      }
    }
    expect(missed / swaps).toBeLessThan(0.005);
  });

  it('tell a malformed text from a wrong check character', () => {
    const code = newTraceCode(randomBytes(13));
    const last = code.slice(-1) === '0' ? '1' : '0';
    expect(checkTraceCode(code.slice(0, -1) + last)).toEqual({ valid: false, reason: 'checkCharacter' });
    expect(checkTraceCode('HELLO')).toEqual({ valid: false, reason: 'format' });
    expect(normaliseTraceCode(` ${code.slice(0, 6).toLowerCase()}-${code.slice(6)} `)).toBe(code);
  });
});

describe('parameters an administrator sets', () => {
  it('every seeded duty-free value passes its own check', () => {
    for (const p of DUTYFREE_PARAMETERS) expect(dutyfreeParameterViolations(p.name, p.value), p.name).toEqual([]);
  });

  it.each([
    ['dutyfree.perTripLimits', { COSMETICS: { nameZh: '化妆品', nameEn: 'Cosmetics', pieces: -1 } }],
    ['dutyfree.perTripLimits', { cosmetics: { nameZh: '化妆品', nameEn: 'Cosmetics' } }],
    ['dutyfree.perTripLimits', { COSMETICS: { nameZh: '化妆品', nameEn: 'Cosmetics', limit: 30 } }],
    ['dutyfree.perTripLimits', {}],
    ['dutyfree.annualQuotaCny', 100000],
    ['dutyfree.annualQuotaCny', '100000.001'],
    ['dutyfree.minimumAge', 17.5],
    ['dutyfree.destinations', ['MAINLAND', 'MOON']],
    ['dutyfree.banYears', 0],
  ])('%s = %j is refused', (name, value) => {
    expect(dutyfreeParameterViolations(name, value)!.length).toBeGreaterThan(0);
  });

  it('names of other modules are not judged here', () => {
    expect(dutyfreeParameterViolations('credit.focusPeriodYears', 'x')).toBeNull();
  });
});
