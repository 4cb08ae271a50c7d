/**
 * The policy calculators (政策计算器): they answer "what would this cost?" for goods and a route,
 * file nothing and write nothing. Each answer records the parameter and rate versions it used.
 */
import type { Executor } from '../../../platform/db/client.ts';
import { problems } from '../../../kernel/problem.ts';
import { D, fen, type Dec } from '../money.ts';
import type { DeclarationComputation } from '../declaration.ts';
import { convertAtRate, missingRate } from '../exchangeRates.ts';
import type { LineComputation, TaxLineInput, TaxStep } from '../lineTax.ts';
import { formulasOf } from '../rules.ts';
import { computeRoute, routeNotes, type Route, type RouteLine, type ValueAddedFact } from '../treatment.ts';
import { chainValueAdded, ratioString, type ChainInput, type ChainResult, type RatioBreakdown } from '../valueAdded.ts';
import type { CalcScenarioBody, CalcTaxBody } from '../wire.ts';
import { withTariffRates } from '../../tariff/service.ts';
import { loadTaxParameters } from './parameters.ts';
import { exchangeRateMissing, findRate, rateDayOf, type MissingRate, type StoredRate } from './exchangeRates.ts';

export const stepView = (s: TaxStep) => ({
  amount: fen(s.amount),
  status: s.status,
  formula: s.formula,
  rule: s.rule,
  ...(s.reason ? { reason: s.reason } : {}),
});

const stepsView = (c: LineComputation) => ({
  dutiableValue: stepView(c.dutiableValue),
  duty: stepView(c.duty),
  consumptionTax: stepView(c.consumptionTax),
  vat: stepView(c.vat),
});

/** Which taxes the collection threshold left uncollected, and what each was before it. */
const thresholdView = (r: DeclarationComputation) => ({
  notCollected: r.waived,
  beforeThreshold: {
    duty: fen(r.beforeThreshold.duty),
    consumptionTax: fen(r.beforeThreshold.consumptionTax),
    vat: fen(r.beforeThreshold.vat),
  },
});

/** POST /calc/tax: every tax due on the customs value in CNY (an ordinary import), as the public contract says. */
export async function calculateTax(ex: Executor, body: CalcTaxBody, today: string) {
  const asOf = body.declarationDate ?? today;
  const params = await loadTaxParameters(ex, asOf);
  // A line without its duty or VAT rate takes them from the tariff table; one with both is taken as it is.
  const table = await withTariffRates(ex, body.lines, asOf, (i) => `lines[${i}].dutyRate`);
  const lines: TaxLineInput[] = table.lines.map(({ originCountry: _o, ...l }) => l);
  const result = computeRoute({ kind: 'IMPORT' }, lines, params.tax);
  if (!result.ok) throw problems.validation(result.violations);
  const r = result.value;
  return {
    lines: r.lines.map((c, i) => ({
      dutiableValue: fen(c.dutiableValue.amount),
      duty: fen(c.duty.amount),
      consumptionTax: fen(c.consumptionTax.amount),
      vat: fen(c.vat.amount),
      total: fen(c.total),
      formulas: formulasOf(c),
      steps: stepsView(c),
      ...(table.uses[i] ? { tariff: table.uses[i] } : {}),
    })),
    duty: fen(r.duty),
    consumptionTax: fen(r.consumptionTax),
    vat: fen(r.vat),
    total: fen(r.total),
    dutyWaived: r.dutyWaived,
    notCollected: r.waived,
    parameterVersions: { ...r.parameterVersions, ...table.parameterVersions },
  };
}

type ValueAddedBody = Exclude<NonNullable<CalcScenarioBody['valueAdded']>, { ratio: string }>;

function chainInput(body: ValueAddedBody): ChainInput {
  return {
    salePrice: body.salePrice,
    importedMaterials: body.importedMaterials,
    domesticMaterials: body.domesticMaterials,
    hainanMadeInputs: body.hainanMadeInputs ?? [],
    upstream: (body.upstream ?? []).map((u) => ({
      record: {
        number: u.cumulativeNumber,
        salePrice: u.salePrice,
        quantity: u.quantity,
        importedMaterials: u.importedMaterials,
        domesticMaterials: u.domesticMaterials,
        hainanMadeInputs: u.hainanMadeInputs ?? '0',
      },
      quantityUsed: u.quantityUsed,
    })),
  };
}

function chainOrProblem(body: ValueAddedBody, threshold: string, prefix = ''): ChainResult {
  const r = chainValueAdded(chainInput(body), threshold);
  if (!r.ok) throw problems.validation(r.violations.map((v) => ({ ...v, path: prefix + v.path })));
  return r.value;
}

const ratioView = (b: RatioBreakdown) => ({
  ratio: ratioString(b.ratio),
  imported: fen(b.imported),
  domestic: fen(b.domestic),
  hainanMade: fen(b.hainanMade),
  formula: b.formula,
});

/** POST /calc/value-added: the contract's ratio, plus the cumulation along a chain when upstream numbers are given. */
export async function calculateValueAdded(ex: Executor, body: ValueAddedBody, asOf: string) {
  const params = await loadTaxParameters(ex, asOf);
  const r = chainOrProblem(body, params.valueAddedThreshold);
  return {
    ratio: ratioString(r.result.ratio),
    meetsThreshold: r.meetsThreshold,
    threshold: params.valueAddedThreshold,
    formula: r.result.formula,
    own: ratioView(r.own),
    chain: r.chain ? ratioView(r.chain) : null,
    cumulationApplied: r.cumulationApplied,
    parameterVersions: params.versionsOf('valueAddedThreshold'),
  };
}

type ScenarioLine = CalcScenarioBody['lines'][number];

/** Converts every value of the scenario at the rate of its day; all missing rates are reported at once. */
async function convertLines(
  ex: Executor,
  body: CalcScenarioBody,
  declarationDate: string,
  params: Awaited<ReturnType<typeof loadTaxParameters>>,
) {
  const versions: Record<string, number> = {};
  if (body.currency === 'CNY') {
    const lines: RouteLine[] = body.lines.map((l) => toRouteLine(l, l.value, l.importedContentValue));
    return { lines, rate: null, rateDay: null, versions };
  }
  const rateDay = rateDayOf(params, declarationDate);
  Object.assign(versions, params.versionsOf('exchangeRateDay', 'publicHolidays'));
  const rate = await findRate(ex, body.currency, rateDay.date);
  if (!rate) {
    const missing: MissingRate[] = [{ currency: body.currency, rateDate: rateDay.date, declarationDate }];
    throw exchangeRateMissing([missingRate(body.currency, rateDay.date, declarationDate, 'currency')], missing);
  }
  versions[`exchangeRate:${rate.currency}@${rate.rateDate}`] = rate.version;
  const lines = body.lines.map((l) => {
    const value = convertAtRate(l.value, rate);
    const content = l.importedContentValue === undefined ? undefined : convertAtRate(l.importedContentValue, rate);
    return {
      ...toRouteLine(l, fen(value.cny), content ? fen(content.cny) : undefined),
      valueFormula: value.formula,
      ...(content ? { importedContentFormula: content.formula } : {}),
    };
  });
  return { lines, rate, rateDay, versions };
}

function toRouteLine(l: ScenarioLine, customsValue: string, importedContentValue: string | undefined): RouteLine {
  const { value: _value, description: _description, importedContentValue: _content, ...rest } = l;
  return { ...rest, customsValue, ...(importedContentValue !== undefined ? { importedContentValue } : {}) };
}

function valueAddedFact(
  body: CalcScenarioBody,
  threshold: string,
): { fact: ValueAddedFact; chain: ChainResult | null } | null {
  if (!body.valueAdded) return null;
  if ('ratio' in body.valueAdded) {
    const ratio: Dec = new D(body.valueAdded.ratio);
    return { fact: { ratio, threshold, meetsThreshold: ratio.gte(threshold) }, chain: null };
  }
  const chain = chainOrProblem(body.valueAdded, threshold, 'valueAdded.');
  return { fact: { ratio: chain.result.ratio, threshold, meetsThreshold: chain.meetsThreshold }, chain };
}

function routeOf(body: CalcScenarioBody, va: ValueAddedFact | undefined): Route {
  const r = body.route;
  switch (r.kind) {
    case 'SECOND_LINE_EXIT':
      return {
        kind: 'SECOND_LINE_EXIT',
        goods: r.goods,
        domesticVatPaid: r.domesticVatPaid,
        ...(va ? { valueAdded: va } : {}),
      };
    default:
      return r;
  }
}

const conversionView = (rate: StoredRate, rateDay: string) => ({
  rate: rate.rate,
  unit: rate.unit,
  quote: rate.quote,
  rateDate: rate.rateDate,
  rateVersion: rate.version,
  rateDay,
});

/** POST /calc/scenario: goods, values in a currency and a route → which taxes apply, why, and how much. */
export async function calculateScenario(ex: Executor, body: CalcScenarioBody, today: string) {
  const declarationDate = body.declarationDate ?? today;
  const params = await loadTaxParameters(ex, declarationDate);
  const va = valueAddedFact(body, params.valueAddedThreshold);
  const route = routeOf(body, va?.fact);
  const converted = await convertLines(ex, body, declarationDate, params);
  const result = computeRoute(route, converted.lines, params.tax);
  if (!result.ok) throw problems.validation(result.violations);
  const r = result.value;
  return {
    route: route.kind,
    declarationDate,
    currency: body.currency,
    notes: routeNotes(route),
    lines: r.lines.map((c, i) => ({
      hsCode: body.lines[i]!.hsCode,
      ...(body.lines[i]!.description ? { description: body.lines[i]!.description } : {}),
      value: body.lines[i]!.value,
      conversion: converted.rate ? conversionView(converted.rate, converted.rateDay!.explanation) : null,
      ...stepsView(c),
      total: fen(c.total),
    })),
    duty: fen(r.duty),
    consumptionTax: fen(r.consumptionTax),
    vat: fen(r.vat),
    total: fen(r.total),
    dutyWaived: r.dutyWaived,
    dutyBeforeThreshold: fen(r.dutyBeforeThreshold),
    ...thresholdView(r),
    valueAdded: va
      ? {
          ratio: ratioString(va.fact.ratio),
          threshold: va.fact.threshold,
          meetsThreshold: va.fact.meetsThreshold,
          formula: va.chain?.result.formula ?? null,
          cumulationApplied: va.chain?.cumulationApplied ?? false,
        }
      : null,
    parameterVersions: {
      ...r.parameterVersions,
      ...(va ? params.versionsOf('valueAddedThreshold') : {}),
      ...converted.versions,
    },
  };
}
