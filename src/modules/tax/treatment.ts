/**
 * Which taxes a route makes due, on what base, and why (../shared/spec/mission.md §4–5). Pure: the facts (is the
 * importer a beneficiary, are the goods in the taxed catalogue, was domestic VAT paid, does the
 * value added meet the threshold) come in; the catalogue, qualifications and books live elsewhere.
 *
 * - First line (一线进口): goods outside the taxed catalogue (进口征税商品目录) imported by a
 *   zero-tariff beneficiary are exempt from duty, import VAT and consumption tax; anything else pays.
 * - Island transfer (岛内流转): between beneficiaries the goods move on the books, untaxed; to anyone
 *   else the import taxes become due.
 * - Second line (二线出岛) to the mainland: zero-tariff goods and their products pay duty, import VAT
 *   and consumption tax on their imported content; processed goods whose value added reaches the
 *   threshold pay no duty but still VAT and consumption tax; no import VAT where domestic VAT was
 *   already paid on the island.
 * What every route taxes a line on is decided by one function, taxableBase.ts.
 */
import { fen, plain, type Dec } from './money.ts';
import {
  computeDeclaration,
  type DeclarationComputation,
  type DeclarationLine,
  type Result,
  type TaxParameters,
} from './declaration.ts';
import type { LineTreatment, Relief, RuleViolation, TaxLineInput } from './lineTax.ts';
import { ratioString } from './valueAdded.ts';
import { taxableBase, type BookCostBasis, type TaxableBaseInput } from './taxableBase.ts';

export const ROUTE_KINDS = ['IMPORT', 'FIRST_LINE_IMPORT', 'ISLAND_TRANSFER', 'SECOND_LINE_EXIT'] as const;
export const EXIT_GOODS = ['ZERO_TARIFF', 'PROCESSED'] as const;

export interface ValueAddedFact {
  ratio: Dec;
  threshold: string;
  meetsThreshold: boolean;
  /** The confirmation number (内销免关税确认编号) issued for it, named in the exemption's reason. */
  confirmationNumber?: string | null;
}

export type Route =
  /** An ordinary import outside the free trade port rules: every tax on the customs value. */
  | { kind: 'IMPORT' }
  | { kind: 'FIRST_LINE_IMPORT'; importerIsBeneficiary: boolean }
  | { kind: 'ISLAND_TRANSFER'; transfereeIsBeneficiary: boolean }
  | {
      kind: 'SECOND_LINE_EXIT';
      goods: (typeof EXIT_GOODS)[number];
      domesticVatPaid: boolean;
      valueAdded?: ValueAddedFact;
    };

/** A line as the route sees it: values already in CNY (the service converts), plus the route's facts. */
export interface RouteLine extends TaxLineInput {
  /** How customsValue was obtained (a conversion), shown as the base formula. */
  valueFormula?: string;
  /** First line: the HS code is in the taxed catalogue on the declaration date. */
  inTaxedCatalogue?: boolean;
  /** Island transfer, second line: the book's cost basis of the quantity; its imported part is the base. */
  book?: BookCostBasis;
  /** Island transfer, second line, without a book: CNY value of the imported materials the goods hold. */
  importedContentValue?: string;
  importedContentFormula?: string;
}

export interface RouteNote {
  rule: string;
  text: string;
}

const ALL_RELIEVED = (relief: Relief) => ({ duty: relief, consumptionTax: relief, vat: relief });

function firstLine(
  route: { importerIsBeneficiary: boolean },
  line: RouteLine,
  at: (f: string) => string,
): DeclarationLine | RuleViolation {
  if (line.inTaxedCatalogue === undefined)
    return {
      path: at('inTaxedCatalogue'),
      rule: 'tax.firstLine.catalogueFact',
      message: 'Say whether the goods are in the taxed catalogue (进口征税商品目录) on the declaration date.',
    };
  const base = { formula: baseOf({ route: 'FIRST_LINE_IMPORT', ...lineValue(line) }).formula };
  if (route.importerIsBeneficiary && !line.inTaxedCatalogue) {
    const relief = {
      rule: 'tax.firstLine.zeroTariff',
      reason:
        'Goods outside the taxed catalogue imported by a zero-tariff beneficiary are exempt from ' +
        'duty, import VAT and consumption tax.',
    };
    return { input: line, treatment: { base: { ...base, ...relief }, ...ALL_RELIEVED(relief) } };
  }
  const reason = route.importerIsBeneficiary
    ? {
        rule: 'tax.firstLine.taxedCatalogue',
        reason:
          'The goods are in the taxed catalogue: duty, import VAT and consumption tax are due at ' +
          'import, even for a beneficiary.',
      }
    : {
        rule: 'tax.firstLine.nonBeneficiary',
        reason:
          'The importer is not a zero-tariff beneficiary: duty, import VAT and consumption tax are due at import.',
      };
  return { input: line, treatment: { base: { ...base, ...reason } } };
}

type At = (field: string) => string;
type Treated = DeclarationLine | RuleViolation;

function islandTransfer(route: { transfereeIsBeneficiary: boolean }, line: RouteLine, at: At): Treated {
  const base = taxableBase({ route: 'ISLAND_TRANSFER', ...lineValue(line), ...contentOf(line) }, at);
  if (!base.ok) return base.violation;
  const input = { ...line, customsValue: fen(base.value.amount) };
  const formula = base.value.formula;
  if (route.transfereeIsBeneficiary) {
    const reason = 'Zero-tariff goods pass between beneficiaries on their account books: no tax is due.';
    const relief = { rule: 'tax.islandTransfer.betweenBeneficiaries', reason };
    return { input, treatment: { base: { formula, ...relief }, ...ALL_RELIEVED(relief) } };
  }
  return { input, treatment: { base: { formula, rule: base.value.rule, reason: base.value.reason } } };
}

/** What a line leaving for the mainland turns on: the kind of goods, domestic VAT paid, the value added. */
export interface SecondLineFacts {
  goods: (typeof EXIT_GOODS)[number];
  domesticVatPaid: boolean;
  valueAdded?: ValueAddedFact;
}

/**
 * One line leaving for the mainland (an exit, a batch in its centralized declaration, an
 * inspection's re-tax, the calculator): the imported content as its base, the value-added duty
 * exemption of processed goods, the relief of VAT paid on the island.
 */
export function secondLineLine(facts: SecondLineFacts, line: RouteLine, at: At): Treated {
  const base = taxableBase(
    { route: 'SECOND_LINE_EXIT', goods: facts.goods, ...lineValue(line), ...contentOf(line) },
    at,
  );
  if (!base.ok) return base.violation;
  const { amount, rule, reason, formula } = base.value;
  const treatment: LineTreatment = { base: { rule, reason, formula } };
  const va = facts.valueAdded;
  if (facts.goods === 'PROCESSED' && va?.meetsThreshold) {
    const number = va.confirmationNumber ? ` (confirmation ${va.confirmationNumber})` : '';
    treatment.duty = {
      rule: 'tax.secondLine.valueAddedDutyExemption',
      reason:
        `Value added ${ratioString(va.ratio)} ≥ ${plain(va.threshold)}${number}: processed goods enter the ` +
        'mainland free of duty; VAT and consumption tax are still due.',
    };
  }
  if (facts.domesticVatPaid) {
    const why = 'Domestic VAT was already paid on the island: no import VAT is due at the second line.';
    treatment.vat = { rule: 'tax.secondLine.domesticVatPaid', reason: why };
  }
  return { input: { ...line, customsValue: fen(amount) }, treatment };
}

function lineValue(line: RouteLine): Pick<TaxableBaseInput, 'value' | 'valueFormula'> {
  return { value: line.customsValue, ...(line.valueFormula ? { valueFormula: line.valueFormula } : {}) };
}

type ContentFields = Pick<TaxableBaseInput, 'book' | 'importedContent' | 'importedContentFormula'>;

function contentOf(line: RouteLine): ContentFields {
  return {
    ...(line.book ? { book: line.book } : {}),
    ...(line.importedContentValue !== undefined ? { importedContent: line.importedContentValue } : {}),
    ...(line.importedContentFormula ? { importedContentFormula: line.importedContentFormula } : {}),
  };
}

function baseOf(input: TaxableBaseInput) {
  const r = taxableBase(input);
  if (!r.ok) throw new Error(`an import's base never fails: ${r.violation.rule}`);
  return r.value;
}

function treatLine(route: Route, line: RouteLine, at: (f: string) => string): DeclarationLine | RuleViolation {
  switch (route.kind) {
    case 'IMPORT': {
      const { amount, rule, reason, formula } = baseOf({ route: 'IMPORT', ...lineValue(line) });
      return { input: { ...line, customsValue: fen(amount) }, treatment: { base: { rule, reason, formula } } };
    }
    case 'FIRST_LINE_IMPORT':
      return firstLine(route, line, at);
    case 'ISLAND_TRANSFER':
      return islandTransfer(route, line, at);
    case 'SECOND_LINE_EXIT':
      return secondLineLine(route, line, at);
  }
}

/** What the route says as a whole, before any line: each note is named by the rule that decides it. */
export function routeNotes(route: Route): RouteNote[] {
  switch (route.kind) {
    case 'IMPORT':
      return [
        { rule: 'tax.import', text: 'An ordinary import: duty, consumption tax and import VAT on the customs value.' },
      ];
    case 'FIRST_LINE_IMPORT':
      return [
        route.importerIsBeneficiary
          ? {
              rule: 'tax.firstLine.zeroTariff',
              text:
                'First-line import by a zero-tariff beneficiary: goods outside the taxed ' +
                'catalogue are exempt from all three taxes; goods in it pay.',
            }
          : {
              rule: 'tax.firstLine.nonBeneficiary',
              text: 'First-line import by an importer who is not a zero-tariff beneficiary: all three taxes are due.',
            },
      ];
    case 'ISLAND_TRANSFER':
      return [
        route.transfereeIsBeneficiary
          ? {
              rule: 'tax.islandTransfer.betweenBeneficiaries',
              text: 'Island transfer between beneficiaries: free inside the island, recorded on the books.',
            }
          : {
              rule: 'tax.islandTransfer.toNonBeneficiary',
              text: 'Island transfer to a non-beneficiary: the import taxes the goods were spared become due.',
            },
      ];
    case 'SECOND_LINE_EXIT': {
      const notes: RouteNote[] = [
        {
          rule: 'tax.secondLine.importedContent',
          text:
            'Goods entering the mainland pay duty, import VAT and consumption tax on their ' +
            'imported content (zero-tariff goods, their products, processed goods).',
        },
      ];
      if (route.goods === 'PROCESSED' && route.valueAdded) {
        const va = route.valueAdded;
        notes.push(
          va.meetsThreshold
            ? {
                rule: 'tax.secondLine.valueAddedDutyExemption',
                text:
                  `Value added ${ratioString(va.ratio)} reaches ${plain(va.threshold)}: no duty; ` +
                  `VAT and consumption tax are still due.`,
              }
            : {
                rule: 'tax.secondLine.valueAddedBelowThreshold',
                text:
                  `Value added ${ratioString(va.ratio)} is below ${plain(va.threshold)}: duty is ` +
                  `due on the imported content.`,
              },
        );
      }
      if (route.domesticVatPaid)
        notes.push({
          rule: 'tax.secondLine.domesticVatPaid',
          text: 'Domestic VAT was paid on the island: no import VAT.',
        });
      return notes;
    }
  }
}

/** The treatment of every line under a route, then the declaration's taxes. */
export function computeRoute(
  route: Route,
  lines: readonly RouteLine[],
  params: TaxParameters,
): Result<DeclarationComputation> {
  if (route.kind === 'SECOND_LINE_EXIT' && route.goods === 'PROCESSED' && !route.valueAdded) {
    return {
      ok: false,
      violations: [
        {
          path: 'valueAdded',
          rule: 'tax.secondLine.valueAddedRequired',
          message: 'Processed goods need their value added (a ratio or the materials) to decide the duty.',
        },
      ],
    };
  }
  const violations: RuleViolation[] = [];
  const treated: DeclarationLine[] = [];
  lines.forEach((line, i) => {
    const at = (f: string) => `lines[${i}].${f}`;
    const r = treatLine(route, line, at);
    if ('path' in r) violations.push(r);
    else treated.push({ input: stripFacts(r.input), treatment: r.treatment });
  });
  if (violations.length) return { ok: false, violations };
  return computeDeclaration(treated, params);
}

function stripFacts(line: TaxLineInput & Partial<RouteLine>): TaxLineInput {
  const { valueFormula: _v, inTaxedCatalogue: _c, book: _b, ...rest } = line;
  const { importedContentValue: _i, importedContentFormula: _f, ...input } = rest;
  return input;
}
