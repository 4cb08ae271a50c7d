/** The duty-free API's answers as these pages read them (the wire.ts files of src/modules/dutyfree). */
export interface Part {
  code: string;
  points: number;
  value: number;
}

export interface BuyerLabel {
  buyerId: string;
  idType: string;
  idNumber: string;
  name: string;
  masked: boolean;
}

export interface Facts {
  repeatCategory: number;
  trips: number;
  nearMaxTrips: number;
  frequentTripRuns: number;
  maxQuotaPercent: number;
  marketCodes: number;
}

export interface YellowEntry {
  entryId: string;
  buyer: BuyerLabel;
  score: number;
  parts: Part[];
  ringId: string | null;
  ringScore: number | null;
  ringSize: number | null;
  status: string;
  caseId: string | null;
  openedAt: string;
}

export interface Ring {
  ringId: string;
  window: { from: string; to: string };
  score: number;
  behaviour: number;
  structure: number;
  size: number;
  parts: Part[];
  detectedAt: string;
  members: {
    buyer: BuyerLabel;
    score: number;
    parts: Part[];
    facts: Facts;
    entryId: string | null;
    entryStatus: string | null;
  }[];
  links: { kind: string; id: string; label: string | null; buyers: string[] }[];
}

export interface Effect {
  buyerId: string;
  banId: string | null;
  banFrom: string | null;
  banTo: string | null;
  creditRecordId: string;
}

export interface Case {
  caseId: string;
  proposal: 'CONFIRM' | 'CLEAR';
  ringId: string | null;
  buyerIds: string[];
  entryIds: string[];
  note: string;
  status: 'PROPOSED' | 'APPROVED' | 'REJECTED';
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  effects: Effect[] | null;
}

export interface Quota {
  year: number;
  quota: string;
  used: string;
  reserved: string;
  left: string;
}

export interface CreditRecord {
  id: string;
  code: string;
  kind: string;
  points: number;
  occurredOn: string;
  countsUntil: string | null;
  reason: string;
  zh?: string;
  en?: string;
}

export interface Credit {
  asOf: string;
  score: number;
  level: 'A' | 'B' | 'C' | 'D';
  reviewEverySale: boolean;
  reasons: CreditRecord[];
}

export const ID_TYPES = ['RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT'] as const;
