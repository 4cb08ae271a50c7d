import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { USCC_CHARSET, usccCheckChar, validateUscc } from './uscc.ts';
import { residentIdCheckDigit, validatePassportNumber, validateResidentId } from './residentId.ts';
import { containerCheckDigit, validateContainerNumber } from './iso6346.ts';
import { hsDescription, validateHsCode } from './hsCode.ts';
import { SECOND_LINE_PORTS, validateSecondLinePortCode, validateUnLocode } from './ports.ts';

const asOf = new Date('2026-11-23T00:00:00Z');
const usccChar = fc.constantFrom(...USCC_CHARSET.split(''));
const first17 = fc
  .tuple(
    fc.constantFrom('1', '5', '9'),
    fc.constantFrom('1', '2', '3'),
    fc.integer({ min: 110000, max: 659999 }),
    fc.array(usccChar, { minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, d, o]) => `${a}${b}${d}${o.join('')}`);

describe('USCC (GB 32100-2015)', () => {
  it('accepts the standard example and published codes', () => {
    for (const code of ['91350100M000100Y43', '91110000600037341L', '914403001922038216'])
      expect(validateUscc(code)).toBeNull();
  });
  it.each([
    ['', 'GB32100.required'],
    ['91350100M000100Y4', 'GB32100.length'],
    ['91350100m000100y43', 'GB32100.upperCase'],
    ['91350100M000100I43', 'GB32100.charset'],
    ['9135A100M000100Y43', 'GB32100.divisionCode'],
    ['91350100M000100Y44', 'GB32100.checkCharacter'],
  ])('rejects %s with %s', (code, rule) => {
    expect(validateUscc(code)?.rule).toBe(rule);
  });
  it('property: 17 characters + the computed check character validate; any single substitution is caught', () => {
    fc.assert(
      fc.property(first17, fc.integer({ min: 8, max: 16 }), usccChar, (p, pos, ch) => {
        const code = p + usccCheckChar(p);
        expect(validateUscc(code)).toBeNull();
        if (code[pos] !== ch) {
          const changed = code.slice(0, pos) + ch + code.slice(pos + 1);
          expect(validateUscc(changed)).not.toBeNull();
        }
      }),
    );
  });
});

describe('resident ID (GB 11643)', () => {
  it('accepts the standard example and rejects bad check digits, dates and provinces', () => {
    expect(validateResidentId('11010519491231002X', asOf)).toBeNull();
    expect(validateResidentId('110105194912310021', asOf)?.rule).toBe('GB11643.checkDigit');
    expect(validateResidentId('11010519490231002X', asOf)?.rule).toBe('GB11643.birthDate');
    const future = '11010520300101001';
    expect(validateResidentId(future + residentIdCheckDigit(future), asOf)?.rule).toBe('GB11643.birthDate');
    const badProvince = '99010519491231002';
    expect(validateResidentId(badProvince + residentIdCheckDigit(badProvince), asOf)?.rule).toBe('GB11643.addressCode');
    expect(validateResidentId('1101051949123100', asOf)?.rule).toBe('GB11643.format');
  });
  it('property: any real birth date and province with the computed check digit validates', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('11', '31', '44', '46', '65'),
        fc.date({ min: new Date('1900-01-01'), max: new Date('2026-11-22'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 9999 }),
        (prov, d, rest) => {
          const p = `${prov}0100${d.toISOString().slice(0, 10).replaceAll('-', '')}${String(rest % 1000).padStart(
            3,
            '0',
          )}`;
          expect(validateResidentId(p + residentIdCheckDigit(p), asOf)).toBeNull();
        },
      ),
    );
  });
  it('passports', () => {
    expect(validatePassportNumber('E12345678')).toBeNull();
    expect(validatePassportNumber('ABCDEFG')?.rule).toBe('passport.format');
  });
});

describe('ISO 6346 containers', () => {
  it('accepts the standard example and rejects a wrong check digit', () => {
    expect(validateContainerNumber('CSQU3054383')).toBeNull();
    expect(validateContainerNumber('CSQU3054384')?.rule).toBe('ISO6346.checkDigit');
    expect(validateContainerNumber('CSQX3054383')?.rule).toBe('ISO6346.format');
  });
  it('property: the computed check digit validates', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{3}$/),
        fc.constantFrom('U', 'J', 'Z'),
        fc.integer({ min: 0, max: 999999 }),
        (owner, cat, serial) => {
          const p = `${owner}${cat}${String(serial).padStart(6, '0')}`;
          expect(validateContainerNumber(p + containerCheckDigit(p))).toBeNull();
        },
      ),
    );
  });
});

describe('HS codes', () => {
  it('accepts known subheadings in 6, 8 and 10 digits and rejects unknown ones', () => {
    expect(validateHsCode('020130')).toBeNull();
    expect(validateHsCode('0201300010')).toBeNull();
    expect(validateHsCode('02013000', 8)).toBeNull();
    expect(validateHsCode('010110')?.rule).toBe('HS.unknownSubheading'); // 0101.10 was split in HS 2012
    expect(validateHsCode('0201')?.rule).toBe('HS.length');
    expect(validateHsCode('02a130')?.rule).toBe('HS.format');
    expect(hsDescription('0201300010')).toMatch(/bovine/i);
  });
});

describe('ports', () => {
  it('has the 10 second-line ports, 8 of them also first-line', () => {
    expect(SECOND_LINE_PORTS).toHaveLength(10);
    expect(SECOND_LINE_PORTS.filter((p) => p.alsoFirstLine)).toHaveLength(8);
    expect(validateSecondLinePortCode('CNHAK-XINHAI')).toBeNull();
    expect(validateSecondLinePortCode('CNSHA-PORT')?.rule).toBe('ports.secondLine');
    expect(validateUnLocode('CNHAK')).toBeNull();
    expect(validateUnLocode('CNHA1')?.rule).toBe('UNLOCODE.format');
  });
});
