/**
 * First-line declarations (一线进出境申报): pure rules. What a line may be in each direction, what the
 * restricted goods list asks of it, how the risk verdict sets the state, what a trader is told. No I/O,
 * no clock: the day comes in.
 *
 * - Import (一线进口): a line enters a book (`BOOK`: zero-tariff on a ZERO_TARIFF book, bonded on a
 *   PROCESSING_VALUE_ADDED or RELAXED_TRADE book), or pays duty now (`TAXED`: goods of the taxed
 *   catalogue, goods outside a beneficiary's scope, an importer who is no beneficiary).
 * - Export (一线出口): a line leaves a book (`BOOK`), or is goods under no book (`GENERAL`).
 * - Prohibited goods are refused (`firstLine.prohibited`); restricted goods need a licence
 *   (`firstLine.licenceRequired`), written off when the declaration is filed.
 * - Direct release (径予放行): the goods leave the port at once and are entered into the book within the
 *   ledger's deadline (parameter ledger.directReleaseEntryDays), by a first-line import document naming
 *   the release; only for an import whose every line enters the book.
 */
/** Whether a code falls under one of the taxed catalogue's prefixes. */
const inCatalogue = (hsCode: string, prefixes: readonly string[]) => prefixes.some((p) => hsCode.startsWith(p));

export const DIRECTIONS = ['IMPORT', 'EXPORT'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const LINE_KINDS = ['BOOK', 'TAXED', 'GENERAL'] as const;
export type LineKind = (typeof LINE_KINDS)[number];
export type State = 'HELD' | 'RELEASED' | 'REJECTED';

export interface RuleViolation {
  path: string;
  rule: string;
  message: string;
}

export interface FormLine {
  kind: LineKind;
  itemId?: string | undefined;
  licenceNumber?: string | undefined;
  certificateNumber?: string | undefined;
}

/** Which kinds a direction takes, the book a BOOK line needs, and the direct-release condition. */
export function formViolations(f: {
  direction: Direction;
  bookId?: string | undefined;
  directRelease?: boolean | undefined;
  lines: readonly FormLine[];
}): RuleViolation[] {
  const v: RuleViolation[] = [];
  f.lines.forEach((l, i) => {
    const at = (field: string) => `lines[${i}].${field}`;
    if (f.direction === 'IMPORT' && l.kind === 'GENERAL') {
      v.push({
        path: at('kind'),
        rule: 'firstLine.kind',
        message: 'An import line enters a book (BOOK) or pays duty now (TAXED).',
      });
    }
    if (f.direction === 'EXPORT' && l.kind === 'TAXED') {
      v.push({
        path: at('kind'),
        rule: 'firstLine.kind',
        message: 'An export line leaves a book (BOOK) or is goods under no book (GENERAL).',
      });
    }
    if (l.kind === 'BOOK' && !l.itemId) {
      v.push({ path: at('itemId'), rule: 'firstLine.itemRequired', message: 'A BOOK line names the book item.' });
    }
    if (l.kind === 'BOOK' && !f.bookId) {
      v.push({ path: 'bookId', rule: 'firstLine.bookRequired', message: 'BOOK lines need the account book.' });
    }
    if (l.kind !== 'BOOK' && l.itemId) {
      v.push({ path: at('itemId'), rule: 'firstLine.itemOnBookLine', message: 'Only a BOOK line names a book item.' });
    }
    if (l.certificateNumber && l.kind !== 'TAXED') {
      v.push({
        path: at('certificateNumber'),
        rule: 'firstLine.certificateOnTaxedLine',
        message: 'A certificate of origin lowers a duty: only a TAXED line pays one.',
      });
    }
  });
  if (f.directRelease && (f.direction !== 'IMPORT' || f.lines.some((l) => l.kind !== 'BOOK'))) {
    v.push({
      path: 'directRelease',
      rule: 'firstLine.directReleaseBookOnly',
      message: 'Direct release (径予放行) is for an import whose every line enters the account book.',
    });
  }
  return [...new Map(v.map((x) => [`${x.path}|${x.rule}`, x])).values()];
}

export interface ListHit {
  measure: 'PROHIBITED' | 'RESTRICTED';
  licenceType: string | null;
  description: string;
  legalBasis: string | null;
}

/** What the list asks of each line: prohibited goods refused, restricted goods only with a licence. */
export function screeningViolations(
  lines: readonly { licenceNumber?: string | undefined; hsCode: string }[],
  screenings: readonly { prohibited: readonly ListHit[]; restricted: readonly ListHit[] }[],
  direction: Direction,
): RuleViolation[] {
  const v: RuleViolation[] = [];
  const way = direction === 'IMPORT' ? 'enter' : 'leave';
  screenings.forEach((s, i) => {
    const p = s.prohibited[0];
    if (p) {
      const basis = p.legalBasis ? ` (${p.legalBasis})` : '';
      v.push({
        path: `lines[${i}].hsCode`,
        rule: 'firstLine.prohibited',
        message: `HS ${lines[i]!.hsCode}: ${p.description} may not ${way} the country${basis}.`,
      });
      return;
    }
    const r = s.restricted[0];
    if (r && !lines[i]!.licenceNumber) {
      v.push({
        path: `lines[${i}].licenceNumber`,
        rule: 'firstLine.licenceRequired',
        message:
          `HS ${lines[i]!.hsCode}: ${r.description} ${way} only under a ${r.licenceType} licence; give ` +
          `its number.`,
      });
    }
  });
  return v;
}

/** A ZERO_TARIFF book takes no goods of the taxed catalogue: they are declared TAXED. */
export function taxedCatalogueViolations(
  lines: readonly { kind: LineKind; hsCode: string; regime: string | null }[],
  prefixes: readonly string[],
  date: string,
): RuleViolation[] {
  return lines.flatMap((l, i) =>
    l.kind === 'BOOK' && l.regime === 'ZERO_TARIFF' && inCatalogue(l.hsCode, prefixes)
      ? [
          {
            path: `lines[${i}].itemId`,
            rule: 'firstLine.taxedCatalogue',
            message:
              `HS ${l.hsCode} is in the taxed catalogue (进口征税商品目录) on ${date}: not zero-tariff goods; ` +
              'declare the line TAXED.',
          },
        ]
      : [],
  );
}

/** The risk engine's answer as the declaration acts on it: selected or told to inspect → held. */
export function stateAfterRisk(d: { selected: boolean; action: string }): State {
  return d.selected || d.action === 'INSPECT' ? 'HELD' : 'RELEASED';
}

/** What the trader is told of a state: the state, never why or by what the goods were selected. */
export function neutralReason(state: State, direction: Direction): string {
  switch (state) {
    case 'HELD':
      return '待查验 held for inspection';
    case 'RELEASED':
      return direction === 'IMPORT' ? '已放行 released' : '已放行出境 released for export';
    case 'REJECTED':
      return '不予放行 not released';
  }
}

/** The risk verdict's regime for a line: the book's regime, bonded for processing goods, general for taxed ones. */
export function riskRegime(
  kind: LineKind,
  bookRegime: string | null,
): 'ZERO_TARIFF' | 'BONDED' | 'RELAXED_TRADE' | 'GENERAL' {
  if (kind !== 'BOOK') return 'GENERAL';
  if (bookRegime === 'ZERO_TARIFF') return 'ZERO_TARIFF';
  if (bookRegime === 'RELAXED_TRADE') return 'RELAXED_TRADE';
  return 'BONDED';
}

/** A bill number: FL, the day, and the declaration's last twelve hex digits (unique with the id). */
export const billNumber = (date: string, declarationId: string) =>
  `FL${date.replaceAll('-', '')}${declarationId.replaceAll('-', '').slice(-12).toUpperCase()}`;

// The risk engine keys references by a unit code; book items may keep a Chinese legal unit.
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
};

/** A legal unit as a code: KG, SET, L… (an unknown Chinese unit is UNIT). */
export function unitCode(unit: string): string {
  const u = unit.trim();
  if (/^[A-Za-z0-9]{1,8}$/.test(u)) return u.toUpperCase();
  return UNIT_CODES[u] ?? 'UNIT';
}
