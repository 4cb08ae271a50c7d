/** The first-line form's drafts as the server's schema takes them (src/modules/firstline/wire.ts). */
import type { FirstLineBody, FirstLineDirection, FirstLineLineKind } from '../../api/firstline.ts';

export const TRANSPORT = ['SEA', 'AIR', 'ROAD', 'RAIL', 'POST'] as const;
export type Transport = (typeof TRANSPORT)[number];

/** The declaration's own fields as the form holds them. */
export interface HeadDraft {
  direction: FirstLineDirection;
  port: string;
  transport: Transport;
  counterpart: string;
  foreignParty: string;
  bookId: string;
  directRelease: boolean;
}

/** One goods line as the form holds it: strings as typed, sent as decimal strings. */
export interface LineDraft {
  kind: FirstLineLineKind;
  itemId: string;
  hsCode: string;
  description: string;
  quantity: string;
  unit: string;
  netWeightKg: string;
  valueCny: string;
  originCountry: string;
  licenceNumber: string;
  certificateNumber: string;
}

export const emptyLine = (kind: FirstLineLineKind): LineDraft => ({
  kind,
  itemId: '',
  hsCode: '',
  description: '',
  quantity: '',
  unit: '',
  netWeightKg: '',
  valueCny: '',
  originCountry: '',
  licenceNumber: '',
  certificateNumber: '',
});

/** An import line enters a book or pays duty; an export line leaves a book or goes under none. */
export const kindsFor = (direction: FirstLineDirection): FirstLineLineKind[] =>
  direction === 'IMPORT' ? ['BOOK', 'TAXED'] : ['BOOK', 'GENERAL'];

const opt = (v: string) => (v.trim() ? v.trim() : undefined);

/** A book line sends its item (code, unit and origin are the item's), the others their code, unit and origin. */
function lineBody(l: LineDraft): FirstLineBody['lines'][number] {
  const common = {
    kind: l.kind,
    description: l.description.trim(),
    quantity: l.quantity.trim(),
    netWeightKg: l.netWeightKg.trim(),
    valueCny: l.valueCny.trim(),
    licenceNumber: opt(l.licenceNumber),
  };
  if (l.kind === 'BOOK') return { ...common, itemId: opt(l.itemId) };
  return {
    ...common,
    hsCode: opt(l.hsCode),
    unit: opt(l.unit.toUpperCase()),
    originCountry: opt(l.originCountry.toUpperCase()),
    certificateNumber: l.kind === 'TAXED' ? opt(l.certificateNumber) : undefined,
  };
}

export function firstLineBody(requestId: string, h: HeadDraft, lines: readonly LineDraft[]): FirstLineBody {
  return {
    requestId,
    direction: h.direction,
    port: h.port,
    transportMode: h.transport,
    counterpartCountry: opt(h.counterpart.toUpperCase()),
    foreignParty: opt(h.foreignParty),
    bookId: opt(h.bookId),
    directRelease: (h.direction === 'IMPORT' && h.directRelease) || undefined,
    lines: lines.map(lineBody),
  };
}

/** The paths the form shows the server's findings at (the rest are listed under it). */
export function shownFields(lines: readonly LineDraft[]): string[] {
  const shown = ['bookId', 'port', 'counterpartCountry', 'foreignParty'];
  for (const [i, l] of lines.entries()) {
    const own = l.kind === 'BOOK' ? ['itemId'] : ['hsCode', 'originCountry', 'unit', 'certificateNumber'];
    for (const k of [...own, 'description', 'quantity', 'netWeightKg', 'valueCny', 'licenceNumber'])
      shown.push(`lines[${i}].${k}`);
  }
  return shown;
}
