/**
 * The law of second-line exit declarations (二线出岛), batch exit with centralized declaration
 * (分批出岛、集中申报) and their tax bills (税单), ../shared/spec/mission.md §4–5. Pure: dates, parameters and the
 * facts read from the books come in as arguments; nothing here reads a clock or a database.
 */
import type { Correction } from '../gate/events.ts';
import {
  chainValueAdded,
  computeDeclaration,
  confirmationDecision,
  cny,
  D,
  fen,
  ratioString,
  secondLineLine,
} from '../tax/rules.ts';
import type { ChainInput, ChainResult, Condition, DeclarationComputation, DeclarationLine } from '../tax/rules.ts';
import type { UpstreamUse } from '../tax/rules.ts';
import { downstreamValueAdded } from '../valueadded/rules.ts';
import type { RuleViolation, SecondLineFacts, TaxParameters } from '../tax/rules.ts';

const plain = (v: string | InstanceType<typeof D>): string => new D(v).toString();

// ---------------------------------------------------------------------------------------------
// States: one state machine per declaration, a reason on every transition.

export const DECLARATION_KINDS = ['SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION'] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

export const STATES = [
  'SUBMITTED',
  'ACCEPTED',
  'HELD',
  'REJECTED',
  'RELEASED',
  'EXITED',
  'CANCELLED',
  'AMENDED',
] as const;
export type DeclarationState = (typeof STATES)[number];

/**
 * SUBMITTED → ACCEPTED | HELD | REJECTED; HELD → ACCEPTED | REJECTED (an officer, or the inspection);
 * ACCEPTED → RELEASED (release order issued) → EXITED (the gate passed the last vehicle).
 * ACCEPTED → HELD: the risk step after acceptance selects it (an exit held for inspection, a
 * centralized declaration held for a check of its documents and books). RELEASED → REJECTED: an
 * inspection of the released goods ends in a seizure (the release orders are cancelled).
 * CANCELLED from any state before EXITED that holds goods; AMENDED when a newer version replaces it.
 * A centralized declaration is taxed, not released: it ends ACCEPTED (its batches have already left).
 */
const TRANSITIONS: Record<DeclarationState, readonly DeclarationState[]> = {
  SUBMITTED: ['ACCEPTED', 'HELD', 'REJECTED', 'CANCELLED', 'AMENDED'],
  HELD: ['ACCEPTED', 'REJECTED', 'CANCELLED', 'AMENDED'],
  ACCEPTED: ['RELEASED', 'CANCELLED', 'AMENDED', 'HELD'],
  RELEASED: ['EXITED', 'CANCELLED', 'AMENDED', 'REJECTED'],
  REJECTED: [],
  EXITED: [],
  CANCELLED: [],
  AMENDED: [],
};

export const TERMINAL_STATES: readonly DeclarationState[] = ['REJECTED', 'EXITED', 'CANCELLED', 'AMENDED'];

export function canTransition(from: DeclarationState, to: DeclarationState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function transitionViolation(from: DeclarationState, to: DeclarationState): RuleViolation | null {
  if (canTransition(from, to)) return null;
  return {
    path: 'state',
    rule: 'declarations.transition',
    message: `A declaration in state ${from} cannot become ${to}.`,
  };
}

/** Amendments and cancellations: only while the goods have not left and the declaration is live. */
export function amendable(state: DeclarationState): boolean {
  return canTransition(state, 'AMENDED');
}

// ---------------------------------------------------------------------------------------------
// Batch exit periods and the centralized declaration's deadline.

/** The calendar month (Asia/Shanghai business date) a batch belongs to: YYYY-MM. */
export function periodOf(businessDate: string): string {
  return businessDate.slice(0, 7);
}

export function isPeriod(s: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** The due date of the month's centralized declaration: the `dueDay` of the following month. */
export function centralizedDueDate(period: string, dueDay: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  const day = Math.min(Math.max(1, dueDay), last);
  return `${ny}-${String(nm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Overdue from the day after the due date on. */
export function isOverdue(period: string, dueDay: number, today: string): boolean {
  return today > centralizedDueDate(period, dueDay);
}

/** A period can be declared once it is over (its last day has passed). */
export function periodClosed(period: string, today: string): boolean {
  return periodOf(today) > period;
}

/**
 * What refuses a centralized declaration for `period`: it must be over, its batches must all belong
 * to it (one calendar month, so never two years), and every batch must have left or been cancelled.
 */
export function centralizedViolations(
  period: string,
  today: string,
  batches: readonly { id: string; businessDate: string; state: DeclarationState; reviewPending?: boolean }[],
): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (!isPeriod(period))
    return [
      { path: 'period', rule: 'declarations.centralized.period', message: 'A period is a calendar month, YYYY-MM.' },
    ];
  if (!periodClosed(period, today))
    v.push({
      path: 'period',
      rule: 'declarations.centralized.periodOpen',
      message: `The month ${period} is not over yet: declare it from the 1st of the following month.`,
    });
  const years = new Set(batches.map((b) => b.businessDate.slice(0, 4)));
  if (years.size > 1)
    v.push({
      path: 'period',
      rule: 'declarations.centralized.spansYears',
      message: 'A centralized declaration never spans two years.',
    });
  batches.forEach((b, i) => {
    if (periodOf(b.businessDate) !== period)
      v.push({
        path: `batches[${i}]`,
        rule: 'declarations.centralized.otherPeriod',
        message: `Batch ${b.id} left in ${periodOf(b.businessDate)}, not ${period}.`,
      });
  });
  const live = batches.filter((b) => b.state !== 'CANCELLED' && b.state !== 'AMENDED' && b.state !== 'REJECTED');
  live.forEach((b) => {
    if (b.state !== 'EXITED')
      v.push({
        path: 'period',
        rule: 'declarations.centralized.batchNotExited',
        message: `Batch ${b.id} is ${b.state}: it must pass the gate (or be cancelled) before the month is declared.`,
      });
    // A batch an inspection's correction put back into the value-added review band after it left: the
    // month's taxes and confirmation number wait for the officer's decision.
    else if (b.reviewPending)
      v.push({
        path: 'period',
        rule: 'declarations.centralized.reviewPending',
        message:
          `Batch ${b.id} waits for customs' review of its value-added ratio: declare the month once it ` +
          'is decided.',
      });
  });
  if (v.length === 0 && live.length === 0)
    v.push({
      path: 'period',
      rule: 'declarations.centralized.noBatches',
      message: `No batch left in ${period}: there is nothing to declare.`,
    });
  return v;
}

// ---------------------------------------------------------------------------------------------
// The form: checks zod cannot make (across fields, against the book's facts).

export type Regime = 'ZERO_TARIFF' | 'PROCESSING_VALUE_ADDED' | 'RELAXED_TRADE';

export interface FormLine {
  itemId: string;
  quantity: string;
  valueCny: string;
  netWeightKg: string;
}

export interface FormFacts {
  regime: Regime;
  bookStatus: string;
  bookEnterpriseId: string;
  declarantEnterpriseId: string;
  destination: string;
  /** The items the lines name, as the book has them (absent = not in this book). */
  itemBookOf: (itemId: string) => string | null;
  bookId: string;
  expectedGrossWeightKg: string;
}

export function formViolations(lines: readonly FormLine[], f: FormFacts): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (f.bookEnterpriseId !== f.declarantEnterpriseId)
    v.push({
      path: 'bookId',
      rule: 'declarations.bookOfDeclarant',
      message: 'The account book belongs to another enterprise.',
    });
  if (f.bookStatus !== 'OPEN' && f.bookStatus !== 'ACTIVE')
    v.push({
      path: 'bookId',
      rule: 'declarations.bookOpen',
      message: `The account book is ${f.bookStatus}: goods leave only from an open book.`,
    });
  // 放宽贸易管理 goods serve their end user on the island; they may not be sold to the mainland.
  if (f.regime === 'RELAXED_TRADE')
    v.push({
      path: 'bookId',
      rule: 'declarations.relaxedTradeToMainland',
      message: 'Relaxed-trade goods may not leave the island for the mainland.',
    });
  if (f.destination !== 'CN-MAINLAND')
    v.push({
      path: 'destination.region',
      rule: 'declarations.destinationMainland',
      message: 'A second-line exit goes to the mainland (CN-MAINLAND).',
    });
  const seen = new Map<string, number>();
  lines.forEach((l, i) => {
    const book = f.itemBookOf(l.itemId);
    if (book === null)
      v.push({
        path: `lines[${i}].itemId`,
        rule: 'declarations.itemUnknown',
        message: `Item ${l.itemId} is not on any account book.`,
      });
    else if (book !== f.bookId)
      v.push({
        path: `lines[${i}].itemId`,
        rule: 'declarations.itemOfBook',
        message: `Item ${l.itemId} is on another account book.`,
      });
    if (seen.has(l.itemId))
      v.push({
        path: `lines[${i}].itemId`,
        rule: 'declarations.itemOnce',
        message:
          `Item ${l.itemId} is already line ${seen.get(l.itemId)}: declare each item once ` +
          `with its total quantity.`,
      });
    seen.set(l.itemId, i);
  });
  const net = lines.reduce((s, l) => s.plus(l.netWeightKg), new D(0));
  if (new D(f.expectedGrossWeightKg).lt(net))
    v.push({
      path: 'transport.expectedGrossWeightKg',
      rule: 'declarations.grossAtLeastNet',
      message:
        `The expected gross weight ${plain(f.expectedGrossWeightKg)} kg is below the goods' ` +
        `net weight ${plain(net)} kg.`,
    });
  return v;
}

// ---------------------------------------------------------------------------------------------
// Legal units (海关法定计量单位): books keep them as customs writes them (千克, 台); risk and
// statistics use the codes.

const UNIT_CODES: Record<string, string> = {
  千克: 'KG',
  公斤: 'KG',
  克: 'G',
  吨: 'TNE',
  台: 'SET',
  套: 'SET',
  件: 'PCS',
  个: 'PCS',
  只: 'PCS',
  支: 'PCS',
  条: 'PCS',
  张: 'PCS',
  块: 'PCS',
  辆: 'UNIT',
  艘: 'UNIT',
  架: 'UNIT',
  升: 'L',
  千升: 'KL',
  米: 'M',
  平方米: 'M2',
  立方米: 'M3',
  双: 'PR',
  对: 'PR',
  箱: 'CTN',
  包: 'PK',
  袋: 'BG',
  瓶: 'BO',
  盒: 'BX',
};

/** The code of a legal unit: codes pass through (upper-cased), Chinese names map, anything else is UNIT. */
export function unitCode(unit: string): string {
  const u = unit.trim();
  if (/^[A-Za-z0-9]{1,8}$/.test(u)) return u.toUpperCase();
  return UNIT_CODES[u] ?? 'UNIT';
}

// ---------------------------------------------------------------------------------------------
// Taxes of an exit (二线出岛征税): on the imported content, the 30% rule for processed goods.

/** An upstream cumulative number (累计编号) as the exit form gives it. */
export interface UpstreamOnForm {
  cumulativeNumber: string;
  salePrice: string;
  quantity: string;
  importedMaterials: string;
  domesticMaterials: string;
  hainanMadeInputs?: string;
  quantityUsed: string;
}

export interface ExitTaxLine {
  hsCode: string;
  quantity: string;
  /** The price of the goods to the mainland buyer, CNY: the value-added ratio's sale price, never the taxable base. */
  valueCny: string;
  dutyRate: string;
  vatRate: string;
  consumptionTaxRate?: string;
  specificDutyPerUnit?: string;
  specificConsumptionTaxPerUnit?: string;
  /** Domestic VAT already paid on the island for these goods: no import VAT. */
  domesticVatPaid: boolean;
  /** From the book (ledger costBasisOf) for the quantity declared: its imported part is the taxable base. */
  costBasis: { importedCny: string; domesticCny: string; hainanMadeCny: string };
  /** The line's own regime when a declaration gathers goods of several books (a centralized declaration). */
  regime?: Regime;
  /** Processed goods: the value added decided for the line (valueAdded.ts, with any cumulation). */
  valueAdded?: LineValueAdded;
  /** Processed goods: the upstream cumulative numbers the value added counted (a correction counts them again). */
  upstream?: UpstreamOnForm[];
}

export interface LineValueAdded {
  ratio: string;
  meetsThreshold: boolean;
  threshold: string;
  confirmationNumber?: string | null;
  /**
   * The ratio is in the review band (valueadded `exitReviewDue`): PENDING holds the release until an
   * officer decides; REJECTED taxes the line as below the threshold.
   */
  review?: 'PENDING' | 'APPROVED' | 'REJECTED';
  reviewId?: string;
  /** A number an inspection's correction took back: the ratio it was issued on no longer holds. */
  withdrawnConfirmationNumber?: string;
}

function secondLineFacts(regime: Regime, l: ExitTaxLine): SecondLineFacts {
  const goods = (l.regime ?? regime) === 'PROCESSING_VALUE_ADDED' ? 'PROCESSED' : 'ZERO_TARIFF';
  const va = l.valueAdded;
  if (!va) return { goods, domesticVatPaid: l.domesticVatPaid };
  const { threshold, meetsThreshold, confirmationNumber = null } = va;
  const valueAdded = { ratio: new D(va.ratio), threshold, meetsThreshold, confirmationNumber };
  return { goods, domesticVatPaid: l.domesticVatPaid, valueAdded };
}

/**
 * The treatment of each exit line, then the declaration's taxes (the collection threshold
 * included), for an exit, a month's batches declared centrally and an inspection's re-tax alike.
 * Every line is taxed on its imported content, the imported part of the book's cost basis
 * (tax taxableBase.ts), whether the goods were processed or not; the price only feeds the value
 * added. Processed goods at or above the value-added threshold pay no duty.
 */
export function exitTaxes(regime: Regime, lines: readonly ExitTaxLine[], params: TaxParameters) {
  const violations: RuleViolation[] = [];
  const treated: DeclarationLine[] = [];
  lines.forEach((l, i) => {
    const input = {
      hsCode: l.hsCode,
      customsValue: l.valueCny,
      book: l.costBasis,
      dutyRate: l.dutyRate,
      vatRate: l.vatRate,
      quantity: l.quantity,
      ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
      ...(l.specificDutyPerUnit ? { specificDutyPerUnit: l.specificDutyPerUnit } : {}),
      ...(l.specificConsumptionTaxPerUnit ? { specificConsumptionTaxPerUnit: l.specificConsumptionTaxPerUnit } : {}),
    };
    const r = secondLineLine(secondLineFacts(regime, l), input, (f) => `lines[${i}].${f}`);
    if ('path' in r) violations.push(r);
    else treated.push(r);
  });
  if (violations.length) return { ok: false as const, violations };
  return computeDeclaration(treated, params);
}

/**
 * Goods leaving for the mainland owe duty on their imported content. Until the platform knows the
 * tariff lines' rates, a line that holds imported content must carry a duty rate above 0 (or a
 * specific duty): 0 is refused, never assumed. Processed goods too, even at the value-added
 * threshold: the exemption is conditional, and an inspection's correction may withdraw it.
 */
type Rated = Pick<ExitTaxLine, 'dutyRate' | 'specificDutyPerUnit' | 'costBasis'> & { tariff?: unknown };

export function dutyRateViolations(lines: readonly Rated[]) {
  return lines.flatMap((l, i): RuleViolation[] => {
    // A rate the tariff table gave is known, 0 included (goods under a 0 MFN rate owe no duty).
    if (l.tariff) return [];
    const imported = cny(l.costBasis.importedCny);
    const specific = l.specificDutyPerUnit !== undefined && new D(l.specificDutyPerUnit).gt(0);
    if (!imported.gt(0) || new D(l.dutyRate).gt(0) || specific) return [];
    const message =
      `These goods hold imported materials of ${fen(imported)} CNY and owe duty on them at the second ` +
      'line: give the duty rate of their tariff line; 0 is not accepted.';
    return [{ path: `lines[${i}].dutyRate`, rule: 'declarations.dutyRateRequired', message }];
  });
}

/**
 * The processed line's value-added input from the book alone: the declared price and the book's cost
 * basis. Cited numbers are never added on top of it: the book already holds the upstream goods (at
 * their transfer price), so `valueAddedDecision` takes them out before counting the chain.
 */
export function valueAddedInputOf(l: Pick<ExitTaxLine, 'valueCny' | 'costBasis'>): ChainInput {
  return {
    salePrice: l.valueCny,
    importedMaterials: [l.costBasis.importedCny],
    domesticMaterials: [l.costBasis.domesticCny],
    hainanMadeInputs: [l.costBasis.hainanMadeCny],
  };
}

/** The line's cited numbers as the chain counts them (their issued figures, the quantity used). */
export function upstreamUsesOf(l: Pick<ExitTaxLine, 'upstream'>): UpstreamUse[] {
  return (l.upstream ?? []).map(({ cumulativeNumber, quantityUsed, hainanMadeInputs, ...figures }) => ({
    record: { number: cumulativeNumber, ...figures, hainanMadeInputs: hainanMadeInputs ?? '0' },
    quantityUsed,
  }));
}

export interface ValueAddedDecision {
  chain: ChainResult;
  /** A confirmation number is due: the ratio (with any cumulation) reaches the threshold, the seller is qualified. */
  exempt: boolean;
  conditions: Condition[];
}

/**
 * The value added of one processed line and whether it earns the duty exemption (with its
 * confirmation number), from the declared price, the book's cost basis and the upstream numbers:
 * decided the same way when the exit is filed and when an inspection corrects it.
 */
export function valueAddedDecision(
  l: Pick<ExitTaxLine, 'valueCny' | 'costBasis' | 'upstream'>,
  facts: { threshold: string; processingQualification: boolean },
): { ok: true; value: ValueAddedDecision } | { ok: false; violations: RuleViolation[] } {
  // The book's basis less what it carries for the cited shares, then the chain: each figure counted once.
  const uses = upstreamUsesOf(l);
  const chain = uses.length
    ? downstreamValueAdded({ salePrice: l.valueCny, basis: l.costBasis, uses }, facts.threshold)
    : chainValueAdded(valueAddedInputOf(l), facts.threshold);
  if (!chain.ok) return chain;
  const { processingQualification } = facts;
  const decision = confirmationDecision({ processingQualification, destination: 'MAINLAND', valueAdded: chain.value });
  return { ok: true, value: { chain: chain.value, exempt: decision.issue, conditions: decision.conditions } };
}

/**
 * What a re-decision did to the confirmation numbers of a declaration's lines: the numbers no line
 * holds any more are withdrawn (one number may cover several lines of a centralized declaration).
 */
type WithValueAdded = readonly Pick<ExitTaxLine, 'valueAdded'>[];

export function confirmationChanges(before: WithValueAdded, after: WithValueAdded) {
  const numbers = (lines: WithValueAdded) => lines.map((l) => l.valueAdded?.confirmationNumber);
  const held = (lines: WithValueAdded) => new Set(numbers(lines).filter((n): n is string => !!n));
  const was = held(before);
  const is = held(after);
  return { withdrawn: [...was].filter((n) => !is.has(n)), issued: [...is].filter((n) => !was.has(n)) };
}

/** An inspection's correction of one line: the gate's InspectionCompleted event's, by its schema (gate/events.ts). */
export type LineCorrection = Correction;

/** The declaration's lines with the inspection's corrections; a quantity change scales the cost basis pro rata. */
export function correctedLines<L extends ExitTaxLine>(lines: readonly L[], corrections: readonly LineCorrection[]) {
  return lines.map((l, i) => {
    const c = corrections.find((x) => x.lineIndex === i);
    if (!c) return l;
    const ratio = c.quantity ? new D(c.quantity).div(l.quantity) : new D(1);
    const scale = (s: string) => fen(cny(ratio.times(s)));
    const { importedCny, domesticCny, hainanMadeCny } = l.costBasis;
    const costBasis = {
      importedCny: scale(importedCny),
      domesticCny: scale(domesticCny),
      hainanMadeCny: scale(hainanMadeCny),
    };
    return {
      ...l,
      ...(c.hsCode ? { hsCode: c.hsCode } : {}),
      ...(c.quantity ? { quantity: c.quantity, costBasis } : {}),
      ...(c.valueCny ? { valueCny: c.valueCny } : {}),
      ...(c.netWeightKg ? { netWeightKg: c.netWeightKg } : {}),
      ...(c.originCountry ? { originCountry: c.originCountry } : {}),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Tax bills (税单).

export interface TaxBillLine {
  lineIndex: number;
  hsCode: string;
  dutiableValue: string;
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  rates: { dutyRate: string; vatRate: string; consumptionTaxRate?: string; specificDutyPerUnit?: string };
  steps: Record<
    'dutiableValue' | 'duty' | 'consumptionTax' | 'vat',
    { amount: string; status: string; formula: string; rule: string; reason?: string }
  >;
}

export interface TaxBillFigures {
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  dutyWaived: boolean;
  /** Which taxes the collection threshold left uncollected (absent on bills issued before it was kept). */
  notCollected?: { duty: boolean; consumptionTax: boolean; vat: boolean };
  lines: TaxBillLine[];
  parameterVersions: Record<string, number>;
}

const stepOf = (s: DeclarationComputation['lines'][number]['duty']) => ({
  amount: fen(s.amount),
  status: s.status,
  formula: s.formula,
  rule: s.rule,
  ...(s.reason ? { reason: s.reason } : {}),
});

export function billFigures(
  c: DeclarationComputation,
  rates: readonly TaxBillLine['rates'][],
  hsCodes: readonly string[],
): TaxBillFigures {
  return {
    duty: fen(c.duty),
    consumptionTax: fen(c.consumptionTax),
    vat: fen(c.vat),
    total: fen(c.total),
    dutyWaived: c.dutyWaived,
    notCollected: c.waived,
    parameterVersions: c.parameterVersions,
    lines: c.lines.map((l, i) => ({
      lineIndex: i,
      hsCode: hsCodes[i]!,
      dutiableValue: fen(l.dutiableValue.amount),
      duty: fen(l.duty.amount),
      consumptionTax: fen(l.consumptionTax.amount),
      vat: fen(l.vat.amount),
      total: fen(l.total),
      rates: rates[i]!,
      steps: {
        dutiableValue: stepOf(l.dutiableValue),
        duty: stepOf(l.duty),
        consumptionTax: stepOf(l.consumptionTax),
        vat: stepOf(l.vat),
      },
    })),
  };
}

/** A supplementary bill (补税) owes the difference, never a refund through this path: each tax at least 0. */
export function supplementaryFigures(
  before: TaxBillFigures,
  after: TaxBillFigures,
): { duty: string; consumptionTax: string; vat: string; total: string } {
  const diff = (a: string, b: string) => D.max(new D(a).minus(b), 0);
  const duty = diff(after.duty, before.duty);
  const consumptionTax = diff(after.consumptionTax, before.consumptionTax);
  const vat = diff(after.vat, before.vat);
  return {
    duty: fen(duty),
    consumptionTax: fen(consumptionTax),
    vat: fen(vat),
    total: fen(duty.plus(consumptionTax).plus(vat)),
  };
}

/** Bill numbers: SD (税单) + YYYYMMDD + 8-digit serial, unique. */
export function billNumber(businessDate: string, serial: number): string {
  return `SD${businessDate.replaceAll('-', '')}${String(serial).padStart(8, '0')}`;
}

/** The tax bill as CSV (the trader's export): one row per line plus a total row. RFC 4180 quoting. */
export function billCsv(bill: {
  billNo: string;
  kind: string;
  declarationId: string;
  issuedAt: string;
  figures: TaxBillFigures;
}): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const rows = [
    [
      'billNo',
      'kind',
      'declarationId',
      'issuedAt',
      'line',
      'hsCode',
      'dutiableValue',
      'dutyRate',
      'duty',
      'consumptionTaxRate',
      'consumptionTax',
      'vatRate',
      'vat',
      'total',
      'dutyRule',
      'vatRule',
    ],
  ];
  for (const l of bill.figures.lines) {
    rows.push([
      bill.billNo,
      bill.kind,
      bill.declarationId,
      bill.issuedAt,
      String(l.lineIndex + 1),
      l.hsCode,
      l.dutiableValue,
      l.rates.dutyRate,
      l.duty,
      l.rates.consumptionTaxRate ?? '',
      l.consumptionTax,
      l.rates.vatRate,
      l.vat,
      l.total,
      l.steps.duty.rule,
      l.steps.vat.rule,
    ]);
  }
  const f = bill.figures;
  rows.push([
    bill.billNo,
    bill.kind,
    bill.declarationId,
    bill.issuedAt,
    'TOTAL',
    '',
    '',
    '',
    f.duty,
    '',
    f.consumptionTax,
    '',
    f.vat,
    f.total,
    '',
    '',
  ]);
  return rows.map((r) => r.map(q).join(',')).join('\n') + '\n';
}

export { ratioString };
