/** The ledger pages' shapes of the API's answers, the document types a trader files, a request id. */
export interface Book {
  id: string;
  enterpriseId: string;
  regime: string;
  bookNo: string;
  status: string;
  enterpriseName?: string;
  enterpriseUscc?: string;
}

export interface Item {
  id: string;
  itemNo: string;
  hsCode: string;
  name: string;
  specification: string;
  unit: string;
  originCountry: string;
  onHand: string;
  reserved: string;
  available: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
  firstEntryDate: string | null;
}

export interface Movement {
  id: string;
  seq: number;
  itemNo: string;
  itemName: string;
  unit: string;
  from: string;
  to: string;
  quantity: string;
  importedCny: string;
  documentType: string;
  documentId: string;
  businessDate: string;
}

export interface Pending {
  id: string;
  bookId?: string;
  reason: string | null;
  createdBy: string;
  businessDate: string;
  body: unknown;
}

export interface Verify {
  ok: boolean;
  books: number;
  accounts: number;
  movements: number;
  firstProblem: string | null;
}

export const DOC_TYPES = ['FIRST_LINE_IMPORT', 'FIRST_LINE_EXPORT', 'SCRAP', 'ADJUSTMENT'] as const;

export type DocType = (typeof DOC_TYPES)[number];

export const uuidv7 = () => {
  const b = crypto.getRandomValues(new Uint8Array(16));
  const ms = Date.now();
  for (let i = 0; i < 6; i++) b[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
