/**
 * Duty, consumption tax and import VAT of one goods line (../shared/spec/mission.md §5), each step with the
 * formula that produced it and the rule behind it.
 *
 * Customs rounds every amount half-up to 0.01 CNY before it feeds the next step: dutiable value →
 * duty → consumption tax → VAT (《海关进出口货物征税管理办法》: 完税价格和税额计算到分).
 * - duty: ad valorem V × r, specific q × u, or compound (both);
 * - consumption tax: ad valorem (V + duty) ÷ (1 − r) × r on the composite base (组成计税价格),
 *   specific q × u, or compound (V + duty + q × u) ÷ (1 − r) × r + q × u;
 * - import VAT: (V + duty + consumption tax) × 13% or 9%.
 * A tax that is exempt or waived is zero and so is left out of the bases after it.
 */
import { cny, D, fen, plain, ZERO, type Dec } from './money.ts';

export interface TaxLineInput {
  hsCode: string;
  /** CNY, the dutiable value before rounding (a converted foreign amount may have more decimals). */
  customsValue: string;
  dutyRate: string;
  consumptionTaxRate?: string;
  vatRate: string;
  /** In the legal unit of the goods: what specific duties and taxes are charged per. */
  quantity?: string;
  specificDutyPerUnit?: string;
  specificConsumptionTaxPerUnit?: string;
}

/** Why a tax is, or is not, collected on a line. */
export type TaxStatus = 'DUE' | 'EXEMPT' | 'WAIVED' | 'NOT_APPLICABLE';

export interface TaxStep {
  amount: Dec;
  status: TaxStatus;
  formula: string;
  /** The rule id that decided the amount or the exemption, e.g. tax.duty.compound. */
  rule: string;
  reason?: string;
}

/** A rule that relieves one tax on a line, with the sentence that says why. */
export interface Relief {
  rule: string;
  reason: string;
}

/** What the route decided for a line (see treatment.ts); an absent tax is due. */
export interface LineTreatment {
  base?: { rule: string; reason: string; formula?: string };
  duty?: Relief;
  consumptionTax?: Relief;
  vat?: Relief;
}

export interface LineComputation {
  dutiableValue: TaxStep;
  duty: TaxStep;
  consumptionTax: TaxStep;
  vat: TaxStep;
  total: Dec;
}

export interface RuleViolation {
  path: string;
  rule: string;
  message: string;
}

const isSet = (v: string | undefined): v is string => v !== undefined && v !== '';

/** What makes a line uncomputable, whoever calls (the wire checks the shape; this checks the law). */
export function lineViolations(
  line: TaxLineInput,
  at: (field: string) => string,
  vatRates: readonly string[],
): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (!vatRates.some((r) => new D(r).eq(line.vatRate))) {
    v.push({
      path: at('vatRate'),
      rule: 'tax.vatRate',
      message: `Import VAT rate must be one of ${vatRates.join(', ')}.`,
    });
  }
  if ((isSet(line.specificDutyPerUnit) || isSet(line.specificConsumptionTaxPerUnit)) && !isSet(line.quantity)) {
    v.push({
      path: at('quantity'),
      rule: 'tax.specificNeedsQuantity',
      message: 'A specific (per-unit) duty or tax needs the quantity in the legal unit.',
    });
  }
  if (isSet(line.consumptionTaxRate) && !new D(line.consumptionTaxRate).lt(1)) {
    v.push({
      path: at('consumptionTaxRate'),
      rule: 'tax.consumptionTaxRateBelowOne',
      message: 'The ad valorem consumption tax rate must be below 1: the composite base divides by (1 − rate).',
    });
  }
  for (const field of [
    'customsValue',
    'dutyRate',
    'vatRate',
    'consumptionTaxRate',
    'quantity',
    'specificDutyPerUnit',
    'specificConsumptionTaxPerUnit',
  ] as const) {
    const value = line[field];
    if (isSet(value) && new D(value).isNeg())
      v.push({
        path: at(field),
        rule: 'tax.nonNegative',
        message: 'Amounts, rates and quantities are never negative.',
      });
  }
  return v;
}

function relieved(relief: Relief, status: 'EXEMPT' | 'WAIVED'): TaxStep {
  return { amount: ZERO, status, formula: '0.00', rule: relief.rule, reason: relief.reason };
}

function dutyStep(
  line: TaxLineInput,
  value: Dec,
  qty: Dec,
  relief: Relief | undefined,
  status: 'EXEMPT' | 'WAIVED',
): TaxStep {
  if (relief) return relieved(relief, status);
  const specific = isSet(line.specificDutyPerUnit);
  const adValorem = !specific || !new D(line.dutyRate).isZero();
  const amount = cny(value.times(line.dutyRate).plus(specific ? qty.times(line.specificDutyPerUnit!) : 0));
  const parts = [
    ...(adValorem ? [`${fen(value)} × ${plain(line.dutyRate)}`] : []),
    ...(specific ? [`${plain(qty)} × ${plain(line.specificDutyPerUnit!)}`] : []),
  ];
  const rule = specific && adValorem ? 'tax.duty.compound' : specific ? 'tax.duty.specific' : 'tax.duty.adValorem';
  return { amount, status: 'DUE', formula: `${parts.join(' + ')} = ${fen(amount)}`, rule };
}

type Relieved = 'EXEMPT' | 'WAIVED';

function consumptionTaxStep(
  line: TaxLineInput,
  value: Dec,
  duty: Dec,
  qty: Dec,
  relief: Relief | undefined,
  status: Relieved,
): TaxStep {
  const rate = new D(isSet(line.consumptionTaxRate) ? line.consumptionTaxRate : 0);
  const specific = isSet(line.specificConsumptionTaxPerUnit);
  if (rate.isZero() && !specific)
    return {
      amount: ZERO,
      status: 'NOT_APPLICABLE',
      formula: '0.00',
      rule: 'tax.consumptionTax.notApplicable',
      reason: 'The goods are not subject to consumption tax (no rate given).',
    };
  if (relief) return relieved(relief, status);
  const specificTax = specific ? qty.times(line.specificConsumptionTaxPerUnit!) : ZERO;
  const specificText = specific ? `${plain(qty)} × ${plain(line.specificConsumptionTaxPerUnit!)}` : '';
  if (rate.isZero()) {
    const amount = cny(specificTax);
    return { amount, status: 'DUE', formula: `${specificText} = ${fen(amount)}`, rule: 'tax.consumptionTax.specific' };
  }
  const base = value.plus(duty).plus(specificTax).div(new D(1).minus(rate));
  const amount = cny(base.times(rate).plus(specificTax));
  const r = plain(rate);
  const formula = specific
    ? `(${fen(value)} + ${fen(duty)} + ${specificText}) ÷ (1 − ${r}) × ${r} + ${specificText} = ${fen(amount)}`
    : `(${fen(value)} + ${fen(duty)}) ÷ (1 − ${r}) × ${r} = ${fen(amount)}`;
  return {
    amount,
    status: 'DUE',
    formula,
    rule: specific ? 'tax.consumptionTax.compound' : 'tax.consumptionTax.adValorem',
  };
}

function vatStep(line: TaxLineInput, value: Dec, duty: Dec, ct: Dec, relief: Relief | undefined, s: Relieved): TaxStep {
  if (relief) return relieved(relief, s);
  const amount = cny(value.plus(duty).plus(ct).times(line.vatRate));
  return {
    amount,
    status: 'DUE',
    formula: `(${fen(value)} + ${fen(duty)} + ${fen(ct)}) × ${plain(line.vatRate)} = ${fen(amount)}`,
    rule: 'tax.vat',
  };
}

/** The declaration-level waivers (a tax of the whole declaration at or under the collection threshold). */
export interface Waivers {
  duty?: Relief;
  consumptionTax?: Relief;
  vat?: Relief;
}

/**
 * One line under a treatment. `waivers` are the declaration's (a tax not collected under the
 * threshold): they apply after the route's own reliefs, and a waived tax is left out of the bases
 * after it, as an exempt one is.
 */
export function computeLine(line: TaxLineInput, treatment: LineTreatment = {}, waivers: Waivers = {}): LineComputation {
  const value = cny(line.customsValue);
  const qty = new D(isSet(line.quantity) ? line.quantity : 0);
  const base = treatment.base;
  const dutiableValue: TaxStep = {
    amount: value,
    status: 'DUE',
    formula: base?.formula ?? `${fen(value)} CNY`,
    rule: base?.rule ?? 'tax.dutiableValue',
    ...(base ? { reason: base.reason } : {}),
  };
  // The route's relief is an exemption; only without one does the declaration's waiver apply.
  const status = (relief: Relief | undefined): Relieved => (relief ? 'EXEMPT' : 'WAIVED');
  const { duty: dutyRelief, consumptionTax: ctRelief, vat: vatRelief } = treatment;
  const duty = dutyStep(line, value, qty, dutyRelief ?? waivers.duty, status(dutyRelief));
  const ct = consumptionTaxStep(line, value, duty.amount, qty, ctRelief ?? waivers.consumptionTax, status(ctRelief));
  const vat = vatStep(line, value, duty.amount, ct.amount, vatRelief ?? waivers.vat, status(vatRelief));
  return { dutiableValue, duty, consumptionTax: ct, vat, total: duty.amount.plus(ct.amount).plus(vat.amount) };
}
