export interface TaxStep {
  amount: string;
  status: string;
  formula: string;
  rule: string;
  reason?: string;
}

export interface TaxFigures {
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  dutyWaived: boolean;
  parameterVersions: Record<string, number>;
  lines: {
    lineIndex: number;
    hsCode: string;
    dutiableValue: string;
    duty: string;
    consumptionTax: string;
    vat: string;
    total: string;
    rates: Record<string, string>;
    steps: Record<'dutiableValue' | 'duty' | 'consumptionTax' | 'vat', TaxStep>;
  }[];
}

export interface DeclarationLine {
  itemId: string;
  itemNo?: string;
  name?: string;
  hsCode: string;
  quantity: string;
  unit?: string;
  valueCny: string;
  costBasis?: { importedCny: string; domesticCny: string; hainanMadeCny: string };
  valueAdded?: { ratio: string; meetsThreshold: boolean; threshold: string; confirmationNumber?: string | null };
  batchId?: string;
}

export interface Declaration {
  id: string;
  kind: string;
  enterpriseId: string;
  version: number;
  rootId: string;
  previousId: string | null;
  state: string;
  stateReason: string;
  bookId: string | null;
  regime: string | null;
  portCode: string;
  businessDate: string;
  period: string | null;
  form: unknown;
  lines: DeclarationLine[];
  taxes: TaxFigures | null;
  /** The risk verdict: sent to officers only, absent for the declarant. */
  risk?: Record<string, unknown> | null;
  reservationId: string | null;
  releaseOrderId: string | null;
  inspectionTaskId: string | null;
  centralizedId: string | null;
  createdAt: string;
}

export interface TaxBill {
  id: string;
  billNo: string;
  declarationId: string;
  kind: 'ORIGINAL' | 'SUPPLEMENTARY';
  cause: string;
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  figures: unknown;
  businessDate: string;
  issuedAt: string;
  auditSeq: number;
}

export interface Transition {
  from: string | null;
  to: string;
  reason: string;
  rule: string;
  actor: string;
  at: string;
  auditSeq: number;
}

export interface DeclarationDetailView extends Declaration {
  transitions: Transition[];
  taxBills: TaxBill[];
  versions: { id: string; version: number; state: string }[];
  reservation: {
    id: string;
    status: string;
    lines: { itemId: string; reserved: string; posted: string; released: string }[];
  } | null;
  batches: { id: string; state: string; businessDate: string }[];
}

export interface MonthView {
  enterpriseId: string;
  period: string;
  dueDate: string;
  overdue: boolean;
  facility: { status: string; reason: string; period: string | null };
  batches: Declaration[];
  centralized: Declaration | null;
}
