import type { Violation } from './violation.ts';

/**
 * ISO 3166-1 alpha-2: the 249 officially assigned country codes. Reserved and withdrawn codes
 * (EU, UK, XK, AN, YU …) are not countries of origin on a customs declaration, which takes the
 * alpha-2 code (海关总署 国别（地区）代码 follows ISO 3166-1).
 */
const ALPHA2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY ' +
    'BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK ' +
    'FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR ' +
    'IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ' +
    'ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF ' +
    'TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export const COUNTRY_CODES: ReadonlySet<string> = ALPHA2;

/** A country (of origin, departure, transit) as customs declares it: an ISO 3166-1 alpha-2 code. */
export function validateCountryCode(input: unknown): Violation | null {
  if (typeof input !== 'string' || !/^[A-Z]{2}$/.test(input)) {
    const alpha3 = typeof input === 'string' && /^[A-Za-z]{3}$/.test(input);
    const hint = alpha3 ? ` ${input} looks like an alpha-3 code.` : '';
    return {
      rule: 'ISO3166.format',
      message: `A country is its ISO 3166-1 alpha-2 code: 2 capital letters, e.g. DE, AU.${hint}`,
    };
  }
  if (!ALPHA2.has(input)) {
    return { rule: 'ISO3166.unknown', message: `${input} is not an ISO 3166-1 alpha-2 country code.` };
  }
  return null;
}
