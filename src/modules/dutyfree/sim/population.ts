/**
 * The simulated people: everything about person number `i` is computed from `i` and the seed, so a
 * year of 7 million shoppers needs no table of them and the same seed always gives the same people.
 * ID numbers are distinct by construction (a bijection of the person number into the document's
 * number space), never by luck.
 */
import { residentIdCheckDigit } from '../../../kernel/residentId.ts';
import { fromDayNumber, toDayNumber } from '../../../kernel/dates.ts';

export type IdType = 'RESIDENT_ID' | 'PASSPORT' | 'HK_MACAO_PERMIT' | 'TAIWAN_PERMIT';

export interface Person {
  index: number;
  idType: IdType;
  idNumber: string;
  name: string;
  birthDate: string;
  islandResident: boolean;
  phone: string;
}

/** A 32-bit integer hash (murmur3's finaliser) of a seed and a number: stable person attributes. */
export function mix(seed: number, x: number): number {
  let h = (Math.imul(x ^ seed, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) from a person attribute's hash. */
const unit = (seed: number, i: number, salt: number) => mix(seed ^ salt, i) / 4294967296;

// Address codes of where Hainan's shoppers come from; the 46 codes are island residents.
const REGIONS = [
  '110105',
  '110108',
  '310104',
  '310115',
  '440106',
  '440305',
  '330106',
  '320106',
  '510107',
  '500103',
  '420106',
  '430104',
  '610113',
  '370202',
  '350203',
  '210202',
  '120101',
  '130102',
  '410105',
  '340104',
  '360102',
  '530102',
  '450103',
  '220102',
  '230103',
  '140105',
  '620102',
  '330212',
  '460105',
  '460106',
  '460202',
  '460203',
];
const HAINAN_FROM = REGIONS.indexOf('460105');

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建波宇浩凯婷雪琳晨欣怡佳诗嘉子轩梓涵';

const LATIN = ['TAN WEI MING', 'LEE JI WOO', 'SATO HARUKA', 'NGUYEN VAN AN', 'SMITH JOHN', 'MULLER ANNA'];

const MAX_PEOPLE = 1 << 24;
const BIRTH_BASE = toDayNumber('1950-01-01');

/** A permutation of 0..2^24-1: spreads consecutive people over the ID space. */
function scramble(i: number): number {
  return Math.imul(i, 0x9e3779b1) & (MAX_PEOPLE - 1);
}

/**
 * The person's resident ID: 1,000 sequence numbers × 32 regions × 525 birth dates 37 days apart,
 * shifted by the region so the date alone is distinct: every person number has its own.
 */
function residentId(s: number, hainan: boolean): { idNumber: string; birthDate: string } {
  const seq = s % 1000;
  const q = Math.floor(s / 1000);
  const slot = q % 32;
  const region = hainan ? REGIONS[HAINAN_FROM + (slot % 4)]! : REGIONS[slot % HAINAN_FROM]!;
  const birthDate = fromDayNumber(BIRTH_BASE + Math.floor(q / 32) * 37 + slot);
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  // Two regions can share a slot, but then the birth date still tells them apart.
  return { idNumber: first17 + residentIdCheckDigit(first17), birthDate };
}

export function person(seed: number, index: number): Person {
  if (!(index >= 0 && index < MAX_PEOPLE)) throw new RangeError(`Person ${index} is outside 0..2^24-1.`);
  const s = scramble(index);
  const kind = unit(seed, index, 0x1d);
  const hainan = unit(seed, index, 0x2e) < 0.15;
  const surname = SURNAMES[mix(seed ^ 0x3f, index) % SURNAMES.length]!;
  const second = unit(seed, index, 0x41) < 0.6 ? GIVEN[mix(seed ^ 0x42, index) % GIVEN.length]! : '';
  const given = GIVEN[mix(seed ^ 0x40, index) % GIVEN.length]! + second;
  const phone = `1${3 + (s % 7)}${String(s).padStart(9, '0')}`;
  const name = surname + given;
  if (kind < 0.93) {
    const { idNumber, birthDate } = residentId(s, hainan);
    return { index, idType: 'RESIDENT_ID', idNumber, name, birthDate, islandResident: hainan, phone };
  }
  const birthDate = fromDayNumber(BIRTH_BASE + (mix(seed ^ 0x51, index) % 19_000));
  const digits = String(s).padStart(8, '0');
  const other = { index, birthDate, islandResident: false, phone };
  const latin = LATIN[mix(seed ^ 0x52, index) % LATIN.length]!;
  if (kind < 0.97) return { ...other, idType: 'PASSPORT', idNumber: `E${digits}`, name: latin };
  if (kind < 0.99) return { ...other, idType: 'HK_MACAO_PERMIT', idNumber: `H${digits}`, name };
  return { ...other, idType: 'TAIWAN_PERMIT', idNumber: digits, name };
}
