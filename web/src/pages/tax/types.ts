/** The answers of the public calculators (src/modules/tax/wire.ts). */
export type TaxStatus = 'DUE' | 'EXEMPT' | 'WAIVED' | 'NOT_APPLICABLE';

export interface Step {
  amount: string;
  status: TaxStatus;
  formula: string;
  rule: string;
  reason?: string;
}

export interface ScenarioResult {
  route: string;
  declarationDate: string;
  currency: string;
  notes: { rule: string; text: string }[];
  lines: {
    hsCode: string;
    description?: string;
    value: string;
    conversion: {
      rate: string;
      unit: number;
      quote: string;
      rateDate: string;
      rateVersion: number;
      rateDay: string;
    } | null;
    dutiableValue: Step;
    duty: Step;
    consumptionTax: Step;
    vat: Step;
    total: string;
  }[];
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  dutyWaived: boolean;
  dutyBeforeThreshold: string;
  valueAdded: {
    ratio: string;
    threshold: string;
    meetsThreshold: boolean;
    formula: string | null;
    cumulationApplied: boolean;
  } | null;
  parameterVersions: Record<string, number>;
}

export type RouteKind = 'IMPORT' | 'FIRST_LINE_IMPORT' | 'ISLAND_TRANSFER' | 'SECOND_LINE_EXIT';
export type ExitGoods = 'ZERO_TARIFF' | 'PROCESSED';
