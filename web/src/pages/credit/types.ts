/** Wire shapes of the credit API (src/modules/credit/wire.ts), as the pages read them. */
export type CreditClass = 'ADVANCED_CERTIFIED' | 'WHITELIST' | 'FOCUS';
export type SubjectKindPath = 'enterprise' | 'individual';

export interface InputSummary {
  id: string;
  type: 'SECTOR_RATING' | 'EVENT' | 'AEO';
  source: string;
  effectiveDate: string;
  reference?: string | null;
  department?: string | null;
  level?: string | null;
  isLowestLevel?: boolean | null;
  kind?: string | null;
  action?: string | null;
}

export interface Reason {
  rule: string;
  source: string;
  since: string;
  until?: string;
  inputIds: string[];
  inputs?: InputSummary[];
}

export interface Credit {
  subject: string;
  class: CreditClass;
  asOf: string;
  validUntil: string | null;
  nextChange: string | null;
  reasons: Reason[];
}

export interface History {
  items: {
    seq: number;
    effectiveDate: string;
    from: string | null;
    to: CreditClass;
    cause: string;
    recordedAt: string;
  }[];
  timeline: { date: string; from: CreditClass; to: CreditClass }[];
}

export interface Measures {
  class: CreditClass;
  inspectionRate: { kind: 'MULTIPLIER'; multiplier: string } | { kind: 'FLOOR'; minimumRate: string };
  batchExitAllowed: boolean;
  inspectWithoutRiskAlert: boolean;
  auditFrequency: string;
}

export interface InputRow extends InputSummary {
  withdrawn: { date: string; reason: string } | null;
  recordedBy: string;
}
