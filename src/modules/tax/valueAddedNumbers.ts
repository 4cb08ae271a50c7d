/**
 * The numbers of the value-added regime and when they are issued. The declarations module stores
 * and issues the confirmation numbers, the valueadded module the cumulative numbers (from the
 * upstream book); these rules say what a valid number looks like and whether one is due.
 *
 * - 内销免关税确认编号 (confirmation number): issued on a sale to the mainland when the goods' value
 *   added, with any cumulation, reaches the threshold; it is what exempts the exit from duty.
 * - 累计编号 (cumulative number): issued when a processing enterprise passes goods to another
 *   processing enterprise on the island, carrying its figures (see valueAdded.ts) downstream.
 *
 * Format, both kinds: prefix (QR confirmation, LJ cumulative) + year (4) + issuing customs code
 * (关区代码, 4 digits) + serial (8 digits, per prefix, year and customs code) + 2 check digits
 * (ISO 7064 MOD 97-10 over the rest, letters as 10–35, as in an IBAN), e.g. QR2026640100000001 + check.
 */
import type { ChainResult } from './valueAdded.ts';
import { D, fen, plain } from './money.ts';
import { ratioString } from './valueAdded.ts';

export type ValueAddedNumberKind = 'CONFIRMATION' | 'CUMULATIVE';
const PREFIX: Record<ValueAddedNumberKind, string> = { CONFIRMATION: 'QR', CUMULATIVE: 'LJ' };
const PATTERN = /^(QR|LJ)(\d{4})(\d{4})(\d{8})(\d{2})$/;

function mod97(s: string): number {
  let rest = 0;
  for (const ch of s) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}

function checkDigits(body: string): string {
  return String(98 - mod97(`${body}00`)).padStart(2, '0');
}

export interface ValueAddedNumberParts {
  kind: ValueAddedNumberKind;
  year: number;
  customsCode: string;
  serial: number;
}

export function formatValueAddedNumber(p: ValueAddedNumberParts): string {
  if (!/^\d{4}$/.test(p.customsCode)) throw new RangeError(`customs code must be 4 digits, got ${p.customsCode}`);
  if (!Number.isInteger(p.year) || p.year < 2000 || p.year > 9999) throw new RangeError(`year out of range: ${p.year}`);
  if (!Number.isInteger(p.serial) || p.serial < 1 || p.serial > 99_999_999)
    throw new RangeError(`serial must be 1 to 99999999, got ${p.serial}`);
  const body = `${PREFIX[p.kind]}${p.year}${p.customsCode}${String(p.serial).padStart(8, '0')}`;
  return body + checkDigits(body);
}

export function parseValueAddedNumber(
  value: string,
  expected?: ValueAddedNumberKind,
): { ok: true; value: ValueAddedNumberParts } | { ok: false; rule: string; message: string } {
  const m = PATTERN.exec(value);
  if (!m)
    return {
      ok: false,
      rule: 'valueAdded.numberFormat',
      message:
        'Use QR or LJ, the year, the 4-digit customs code, an 8-digit serial and 2 check digits, ' +
        'e.g. QR2026640100000001 followed by its check digits.',
    };
  const kind: ValueAddedNumberKind = m[1] === 'QR' ? 'CONFIRMATION' : 'CUMULATIVE';
  if (expected && kind !== expected)
    return {
      ok: false,
      rule: 'valueAdded.numberKind',
      message:
        expected === 'CUMULATIVE'
          ? 'A cumulative number (累计编号) starts with LJ.'
          : 'A confirmation number (内销免关税确认编号) starts with QR.',
    };
  if (mod97(value) !== 1)
    return {
      ok: false,
      rule: 'valueAdded.numberCheckDigits',
      message: 'The check digits do not match: the number was mistyped.',
    };
  if (Number(m[4]) === 0) return { ok: false, rule: 'valueAdded.numberFormat', message: 'Serials start at 00000001.' };
  return { ok: true, value: { kind, year: Number(m[2]), customsCode: m[3]!, serial: Number(m[4]) } };
}

export interface Condition {
  rule: string;
  met: boolean;
  text: string;
}

export interface IssueDecision {
  issue: boolean;
  conditions: Condition[];
}

export interface ConfirmationFacts {
  /** The seller holds a processing value-added filing (加工增值备案) in force on the sale date. */
  processingQualification: boolean;
  destination: 'MAINLAND' | 'ISLAND';
  valueAdded: ChainResult;
}

/** Whether a confirmation number (内销免关税确认编号) is issued for a sale; every condition is listed. */
export function confirmationDecision(f: ConfirmationFacts): IssueDecision {
  const va = f.valueAdded;
  const conditions: Condition[] = [
    {
      rule: 'valueAdded.processingQualification',
      met: f.processingQualification,
      text:
        'The seller is a processing value-added filing enterprise in an encouraged industry, in ' +
        'force on the sale date.',
    },
    {
      rule: 'valueAdded.saleToMainland',
      met: f.destination === 'MAINLAND',
      text: 'The goods are sold to the mainland across the second line.',
    },
    {
      rule: va.cumulationApplied ? 'valueAdded.thresholdWithCumulation' : 'valueAdded.threshold',
      met: va.meetsThreshold,
      text:
        `Value added ${ratioString(va.result.ratio)} ${va.meetsThreshold ? '≥' : '<'} ` +
        `${plain(va.threshold)}${va.cumulationApplied ? ' with the upstream cumulative numbers applied' : ''}: ` +
        `${va.result.formula}.`,
    },
  ];
  return { issue: conditions.every((c) => c.met), conditions };
}

export interface CumulativeFacts {
  upstreamProcessingQualification: boolean;
  downstreamProcessingQualification: boolean;
  destination: 'MAINLAND' | 'ISLAND';
  /** The price the downstream pays: the carried record's sale price. */
  salePrice: string;
}

/** Whether a cumulative number (累计编号) is issued when goods pass to a downstream enterprise. */
export function cumulativeNumberDecision(f: CumulativeFacts): IssueDecision {
  const conditions: Condition[] = [
    {
      rule: 'valueAdded.processingQualification',
      met: f.upstreamProcessingQualification,
      text: 'The upstream enterprise is a processing value-added filing enterprise in force on the transfer date.',
    },
    {
      rule: 'valueAdded.downstreamProcessingQualification',
      met: f.downstreamProcessingQualification,
      text:
        'The downstream enterprise is a processing value-added filing enterprise too: only it ' +
        'can count the value added further.',
    },
    {
      rule: 'valueAdded.transferOnIsland',
      met: f.destination === 'ISLAND',
      text:
        `The goods pass to the downstream enterprise on the island (price ` +
        `${fen(new D(f.salePrice))} CNY), not across the second line.`,
    },
  ];
  return { issue: conditions.every((c) => c.met), conditions };
}
