import { sql } from 'drizzle-orm';
import { canonicalJson } from '../../src/kernel/canonicalJson.ts';
import { usccCheckChar, USCC_CHARSET } from '../../src/kernel/uscc.ts';
import { sha256Hex } from '../../src/platform/crypto.ts';
import type { Database } from '../../src/platform/db/client.ts';
import { bodyDigest, partitionedHash, partitionOf } from '../../src/platform/audit/chain.ts';
import { ensurePartitioning, DEFAULT_AUDIT_PARTITIONS } from '../../src/platform/audit/service.ts';
import { anchorAudit } from '../../src/platform/audit/anchor.ts';
import { ensureMonthPartitions } from '../../src/platform/partitions/service.ts';
import { LEDGER_MOVEMENT_PARTITIONS } from '../../src/modules/ledger/service/archive.ts';
import { auditPartition, contentHash } from '../../src/modules/ledger/service/core.ts';
import { costOf, D, QUALIFICATION_FOR_REGIME, takeCost } from '../../src/modules/ledger/rules.ts';
import { Rng } from '../random.ts';
import { bulkWriter, type BulkTx, type CopyRow } from './copy.ts';
import { countOn, dayFactor, daysOf, isoDay, momentOf, PORT_WEIGHTS, uuidOf } from './shape.ts';

/**
 * A seeded year of second-line traffic written in bulk (`tidegate simulate`): enterprises with their
 * zero-tariff qualification, books and items, first-line imports (ledger documents), and second-line
 * exits (a declaration that reserves, a release order, a gate pass that posts the reservation to the
 * mainland), each with the audit entries its commands append. Rows go in with COPY, one transaction
 * per simulated day, and keep what the services keep: every movement moves a quantity and its cost
 * from one account to another of the same item (takeCost, the services' moving average), the stored
 * balances are the sums of the movements, stock never goes negative, and every audit entry continues
 * its partition's chain (the chain's own hash functions, the heads locked and moved as appendAudit
 * does). Memory holds the items' balances and one day of rows, so it is bounded by the scale's
 * enterprises, not by its movements.
 *
 * Scale 1.0: 70,000 enterprises with 20 items each, 2 M first-line imports and 10 M exit
 * declarations (about 100 M movements and 42 M audit entries) in the year.
 */

export interface SimulateOptions {
  year: number;
  scale: number;
  seed: number;
  /** Called after each day with the days done, the days in all and the rows written so far. */
  onDay?: (done: number, total: number, rows: number) => void;
}

export interface SimulateResult {
  days: number;
  enterprises: number;
  items: number;
  imports: number;
  exits: number;
  movements: number;
  auditEntries: number;
  rows: number;
  seconds: number;
}

interface Item {
  id: string;
  /** Stock on hand (whole units) and its imported cost in fen. */
  onHand: number;
  costFen: number;
  abroadQ: number;
  abroadFen: number;
  mainlandQ: number;
  mainlandFen: number;
  nStock: number;
  nAbroad: number;
  nMainland: number;
  firstEntry: string | null;
  touched: boolean;
}

interface Enterprise {
  id: string;
  uscc: string;
  bookId: string;
  items: Item[];
}

/** An audit entry waiting for its seq: partition key, time and content; `seq` is filled in when drawn. */
interface PendingEntry {
  at: Date;
  actor: string;
  action: string;
  subject: string;
  change: string;
  key: string;
  seq: number;
}

const ACTOR = 'system:simulate';
const ITEMS_PER_BOOK = 20;
const ORIGINS = ['JP', 'KR', 'DE', 'FR', 'US', 'AU', 'IT', 'TH', 'VN', 'MY'];
const fenText = (fen: number) => (fen / 100).toFixed(2);

export async function simulate(database: Database, opts: SimulateOptions): Promise<SimulateResult> {
  if (!(opts.scale > 0 && opts.scale <= 1)) throw new Error('--scale must be more than 0 and at most 1');
  const started = performance.now();
  const rng = new Rng(opts.seed);
  const writer = bulkWriter(database);
  const partitions = await ensurePartitioning(database.db, DEFAULT_AUDIT_PARTITIONS);
  // The year's movements go straight into their months' partitions, not into the default one.
  await ensureMonthPartitions(database.db, [LEDGER_MOVEMENT_PARTITIONS], new Date(Date.UTC(opts.year, 0, 1)), 11);
  const days = daysOf(opts.year);
  const factorSum = days.reduce((s, d) => s + dayFactor(d), 0);
  const importsPerYear = Math.round(2_000_000 * opts.scale);
  const exitsPerYear = Math.round(10_000_000 * opts.scale);
  const enterpriseCount = Math.max(3, Math.round(70_000 * opts.scale));
  const totals = { imports: 0, exits: 0, movements: 0, auditEntries: 0, rows: 0 };
  let orderVersion = Date.UTC(opts.year, 0, 1);

  // ---- enterprises, qualifications, books, items (the day before the year) --------------------
  const enterprises: Enterprise[] = [];
  const setupAt = new Date(Date.UTC(opts.year, 0, 1) - 86_400_000 + 3_600_000);
  const setupDay = isoDay(days[0]! - 1);
  const setup = new DayRows();
  for (let e = 0; e < enterpriseCount; e++) {
    const id = uuidOf(rng);
    let body = '914600';
    for (let i = 0; i < 11; i++) body += USCC_CHARSET[rng.int(0, 30)];
    const uscc = body + usccCheckChar(body);
    const bookId = uuidOf(rng);
    const ent: Enterprise = { id, uscc, bookId, items: [] };
    enterprises.push(ent);
    const name = `模拟企业 ${e + 1} (simulated ${opts.seed})`;
    setup.add('enterprises', [id, uscc, name, 't', 'LLC', 'trade', 'f', setupAt.toISOString()]);
    setup.audit(setupAt, 'enterprise.create', `enterprise:${uscc}`, { id, uscc, name }, `enterprise:${uscc}`);
    const qualificationId = uuidOf(rng);
    const kind = QUALIFICATION_FOR_REGIME.ZERO_TARIFF;
    setup.add('qualifications', [id, qualificationId, kind, 'GENERAL', setupDay, null, ACTOR, setupAt.toISOString()]);
    setup.audit(
      setupAt,
      'enterprise.qualification.grant',
      `enterprise:${uscc}`,
      { qualificationId, kind, validFrom: setupDay },
      `enterprise:${uscc}`,
    );
    const bookNo = `SIM${opts.seed}-${String(e + 1).padStart(7, '0')}`;
    setup.add('ledger_books', [bookId, id, 'ZERO_TARIFF', bookNo, 'ACTIVE', ACTOR, setupAt.toISOString(), '0']);
    setup.audit(
      setupAt,
      'ledger.openBook',
      `ledger-book:${bookId}`,
      { id: bookId, enterpriseId: id, regime: 'ZERO_TARIFF', bookNo },
      auditPartition(bookId),
    );
    for (let i = 0; i < ITEMS_PER_BOOK; i++) {
      const itemId = uuidOf(rng);
      const hs = String(rng.int(1000000000, 9799999999));
      const origin = rng.pick(ORIGINS);
      const itemNo = `ITEM-${String(i + 1).padStart(4, '0')}`;
      setup.add('ledger_items', [
        itemId,
        bookId,
        itemNo,
        hs,
        `商品 ${i + 1}`,
        '',
        'PCS',
        origin,
        setupAt.toISOString(),
      ]);
      setup.audit(
        setupAt,
        'ledger.createItem',
        `ledger-item:${itemId}`,
        { id: itemId, bookId, itemNo, hsCode: hs, unit: 'PCS', originCountry: origin },
        auditPartition(bookId),
      );
      ent.items.push({
        id: itemId,
        onHand: 0,
        costFen: 0,
        abroadQ: 0,
        abroadFen: 0,
        mainlandQ: 0,
        mainlandFen: 0,
        nStock: 0,
        nAbroad: 0,
        nMainland: 0,
        firstEntry: null,
        touched: false,
      });
    }
  }
  await writer.transaction((tx) => commitDay(tx, setup, enterprises, partitions, totals));

  // ---- the year, a day at a time ----------------------------------------------------------------
  let requestNo = 0;
  for (const [dayIndex, day] of days.entries()) {
    const date = isoDay(day);
    const rows = new DayRows();
    const imports = countOn(rng, day, importsPerYear, factorSum);
    const exits = countOn(rng, day, exitsPerYear, factorSum);
    // Imports first in the day's draw, so the day's exits can take from what arrived.
    for (let n = 0; n < imports; n++) {
      const ent = rng.pick(enterprises);
      const at = momentOf(rng, day);
      const documentId = uuidOf(rng);
      const lineCount = rng.int(4, 12);
      const items = pickDistinct(rng, ent.items, lineCount);
      const lines = items.map((item, i) => {
        const quantity = rng.int(200, 3000);
        const priceFen = rng.int(500, 50_000);
        return { item, lineNo: i + 1, quantity, fen: quantity * priceFen };
      });
      const reference = `IMP${opts.seed}-${date}-${n + 1}`;
      const content = {
        type: 'FIRST_LINE_IMPORT',
        bookId: ent.bookId,
        businessDate: date,
        reference,
        lines: lines.map((l) => ({
          lineNo: l.lineNo,
          itemId: l.item.id,
          quantity: String(l.quantity),
          importedCny: fenText(l.fen),
        })),
      };
      const entry = rows.audit(
        at,
        'ledger.document.FIRST_LINE_IMPORT',
        `ledger-document:${documentId}`,
        {
          documentId,
          bookId: ent.bookId,
          type: 'FIRST_LINE_IMPORT',
          status: 'POSTED',
          businessDate: date,
          lines: lines.map((l) => ({
            lineNo: l.lineNo,
            itemId: l.item.id,
            direction: 'IN',
            quantity: String(l.quantity),
            importedCny: fenText(l.fen),
            domesticCny: '0.00',
            hainanMadeCny: '0.00',
          })),
          tax: null,
        },
        auditPartition(ent.bookId),
      );
      rows.add('ledger_documents', [
        documentId,
        ent.bookId,
        'FIRST_LINE_IMPORT',
        'POSTED',
        contentHash(content),
        reference,
        date,
        JSON.stringify(content),
        '{}',
        ACTOR,
        at.toISOString(),
      ]);
      for (const l of lines) {
        rows.add('ledger_document_lines', [
          documentId,
          String(l.lineNo),
          l.item.id,
          'IN',
          String(l.quantity),
          fenText(l.fen),
          '0',
          '0',
        ]);
        rows.movement(
          [
            uuidOf(rng),
            ent.bookId,
            l.item.id,
            'abroad',
            'stock',
            String(l.quantity),
            fenText(l.fen),
            '0',
            '0',
            documentId,
            'FIRST_LINE_IMPORT',
            String(l.lineNo),
            null,
            null,
            entry,
            date,
            at.toISOString(),
          ],
          entry,
        );
        const it = l.item;
        it.onHand += l.quantity;
        it.costFen += l.fen;
        it.abroadQ -= l.quantity;
        it.abroadFen -= l.fen;
        it.nStock++;
        it.nAbroad++;
        it.firstEntry ??= date;
        it.touched = true;
      }
      totals.imports++;
    }
    for (let n = 0; n < exits; n++) {
      const ent = rng.pick(enterprises);
      const stocked = ent.items.filter((i) => i.onHand > 0);
      if (stocked.length === 0) continue;
      const at = momentOf(rng, day);
      // At the gate 20 minutes to 4 hours later, before the gates close at 22:00 (Beijing).
      const closing = (day + 1) * 86_400_000 - 10 * 3_600_000;
      const gateAt = new Date(
        Math.min(at.getTime() + rng.int(20, 240) * 60_000, Math.max(closing, at.getTime() + 60_000)),
      );
      const port = rng.weighted(PORT_WEIGHTS);
      const declarationId = uuidOf(rng);
      const reservationId = uuidOf(rng);
      const postingId = uuidOf(rng);
      const orderId = uuidOf(rng);
      const eventId = uuidOf(rng);
      const plate = `琼A${String(rng.int(10000, 99999))}`;
      const container = `SIMU${String(rng.int(1000000, 9999999))}`;
      const picked = pickDistinct(rng, stocked, rng.int(3, 12));
      const lines = picked.map((item, i) => {
        const quantity = Math.min(item.onHand, rng.int(1, 60));
        const cost = takeCost(
          new D(item.onHand),
          costOf({ importedCny: fenText(item.costFen), domesticCny: '0', hainanMadeCny: '0' }),
          new D(quantity),
        );
        return { item, lineNo: i + 1, quantity, fen: Math.round(cost.importedCny.times(100).toNumber()) };
      });
      const grossKg = String(lines.reduce((s, l) => s + l.quantity, 0) * 3 + 8000);
      requestNo++;
      const requestId = `sim-${opts.seed}-${requestNo}`;
      const declLines = lines.map((l) => ({ lineNo: l.lineNo, itemId: l.item.id, quantity: String(l.quantity) }));
      const form = { portCode: port, plate, containers: [container], bookId: ent.bookId, regime: 'ZERO_TARIFF' };
      // The declaration: submitted, the book reserved (预核扣), released; then exited at the gate.
      rows.audit(
        at,
        'declaration.submit',
        `declaration:${declarationId}`,
        { id: declarationId, enterpriseId: ent.id, kind: 'SECOND_LINE_EXIT', requestId, form, lines: declLines },
        `enterprise:${ent.uscc}`,
      );
      const expires = new Date(at.getTime() + 86_400_000);
      const resContent = { bookId: ent.bookId, purposeType: 'DECLARATION', purposeId: declarationId, lines: declLines };
      rows.audit(
        at,
        'ledger.reserve',
        `ledger-reservation:${reservationId}`,
        { id: reservationId, ...resContent, expiresAt: expires.toISOString() },
        auditPartition(ent.bookId),
      );
      rows.add('ledger_reservations', [
        reservationId,
        ent.bookId,
        'POSTED',
        expires.toISOString(),
        'DECLARATION',
        declarationId,
        contentHash(resContent),
        ACTOR,
        at.toISOString(),
        gateAt.toISOString(),
        null,
      ]);
      const gateEntry = rows.audit(
        gateAt,
        'gate.event',
        `gate-event:${eventId}`,
        { eventId, portCode: port, laneCode: 'L1', direction: 'OUT', plate, decision: 'PASS', releaseOrderId: orderId },
        `gate:${port}:L1`,
      );
      const postLines = lines.map((l) => ({ lineNo: l.lineNo, itemId: l.item.id, quantity: String(l.quantity) }));
      const postEntry = rows.audit(
        gateAt,
        'ledger.post',
        `ledger-reservation:${reservationId}`,
        {
          postingId,
          reservationId,
          toKind: 'mainland',
          documentType: 'DECLARATION',
          documentId: declarationId,
          lines: postLines,
        },
        auditPartition(ent.bookId),
      );
      const movementIds: string[] = [];
      for (const l of lines) {
        rows.add('ledger_reservation_lines', [
          reservationId,
          String(l.lineNo),
          l.item.id,
          String(l.quantity),
          String(l.quantity),
          '0',
        ]);
        const movementId = uuidOf(rng);
        movementIds.push(movementId);
        rows.movement(
          [
            movementId,
            ent.bookId,
            l.item.id,
            'stock',
            'mainland',
            String(l.quantity),
            fenText(l.fen),
            '0',
            '0',
            postingId,
            'RESERVATION_POSTING',
            String(l.lineNo),
            postingId,
            null,
            postEntry,
            date,
            gateAt.toISOString(),
          ],
          postEntry,
        );
        const it = l.item;
        it.onHand -= l.quantity;
        it.costFen -= l.fen;
        it.mainlandQ += l.quantity;
        it.mainlandFen += l.fen;
        it.nStock++;
        it.nMainland++;
        it.touched = true;
      }
      rows.add('ledger_postings', [
        postingId,
        reservationId,
        contentHash({ reservationId, lines: postLines }),
        'mainland',
        'DECLARATION',
        declarationId,
        'f',
        JSON.stringify(postLines),
        JSON.stringify(movementIds),
        ACTOR,
        gateAt.toISOString(),
      ]);
      orderVersion++;
      rows.add('gate_release_orders', [
        orderId,
        ent.id,
        'DECLARATION',
        declarationId,
        port,
        plate,
        JSON.stringify([container]),
        JSON.stringify([`SL${requestNo}`]),
        grossKg,
        at.toISOString(),
        expires.toISOString(),
        JSON.stringify([reservationId]),
        'PASSED',
        JSON.stringify([container]),
        'f',
        sha256Hex(canonicalJson({ declarationId, port, plate, container })),
        String(orderVersion),
        ACTOR,
        at.toISOString(),
        gateAt.toISOString(),
      ]);
      rows.add('gate_events', [
        eventId,
        `sim-${port}-L1`,
        port,
        'L1',
        'OUT',
        plate,
        JSON.stringify([container]),
        grossKg,
        'INTACT',
        gateAt.toISOString(),
        sha256Hex(eventId),
        'PASS',
        '[]',
        orderId,
        JSON.stringify([{ reservationId, postingId }]),
        'LIVE',
        gateAt.toISOString(),
      ]);
      rows.add('decl_declarations', [
        declarationId,
        ent.id,
        'SECOND_LINE_EXIT',
        requestId,
        sha256Hex(canonicalJson({ form, lines: declLines })),
        '1',
        declarationId,
        null,
        'EXITED',
        'exited at the gate',
        ent.bookId,
        'ZERO_TARIFF',
        port,
        date,
        null,
        canonicalJson(form),
        canonicalJson(declLines),
        null,
        null,
        reservationId,
        orderId,
        null,
        null,
        ACTOR,
        at.toISOString(),
        gateAt.toISOString(),
      ]);
      void gateEntry;
      totals.exits++;
    }
    await writer.transaction((tx) => commitDay(tx, rows, enterprises, partitions, totals));
    opts.onDay?.(dayIndex + 1, days.length, totals.rows);
  }
  await database.db.execute(sql`analyze`);
  await anchorAudit(database.db, new Date());
  return {
    days: days.length,
    enterprises: enterprises.length,
    items: enterprises.length * ITEMS_PER_BOOK,
    ...totals,
    seconds: (performance.now() - started) / 1000,
  };
}

function pickDistinct<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  if (n >= xs.length) return [...xs];
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(rng.int(0, xs.length - 1));
  return [...chosen].sort((a, b) => a - b).map((i) => xs[i]!);
}

/** One transaction's rows, by table, and its audit entries in the order they happened. */
class DayRows {
  tables = new Map<string, CopyRow[]>();
  entries: PendingEntry[] = [];
  /** Movements whose audit_seq (column 14) waits for their entry's seq. */
  moves: { row: CopyRow; entry: PendingEntry }[] = [];

  add(table: string, row: CopyRow): void {
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = []));
    rows.push(row);
  }

  audit(at: Date, action: string, subject: string, change: unknown, key: string): PendingEntry {
    const e: PendingEntry = { at, actor: ACTOR, action, subject, change: canonicalJson(change), key, seq: 0 };
    this.entries.push(e);
    return e;
  }

  movement(row: (string | null | PendingEntry)[], entry: PendingEntry): void {
    this.moves.push({ row: row as CopyRow, entry });
  }
}

/** Column lists of the tables the simulator writes, in COPY order. */
const COLUMNS: Record<string, string> = {
  enterprises: 'id, uscc, name, registered_in_hainan, legal_form, industry, encouraged_industry, created_at',
  qualifications: 'enterprise_id, id, kind, goods_category, valid_from, valid_to, granted_by, created_at',
  ledger_books: 'id, enterprise_id, regime, book_no, status, opened_by, created_at, version',
  ledger_items: 'id, book_id, item_no, hs_code, name, specification, unit, origin_country, created_at',
  ledger_documents: [
    'id, book_id, type, status, content_hash, reference, business_date, body, flags, created_by,',
    'created_at',
  ].join(' '),
  ledger_document_lines: [
    'document_id, line_no, item_id, direction, quantity, imported_cny, domestic_cny,',
    'hainan_made_cny',
  ].join(' '),
  ledger_reservations: [
    'id, book_id, status, expires_at, purpose_type, purpose_id, content_hash, created_by,',
    'created_at, closed_at, void_reason',
  ].join(' '),
  ledger_reservation_lines: 'reservation_id, line_no, item_id, reserved, posted, released',
  ledger_postings: [
    'id, reservation_id, content_hash, to_kind, document_type, document_id, release_rest, lines,',
    'movement_ids, created_by, created_at',
  ].join(' '),
  ledger_movements: [
    'id, book_id, item_id, from_kind, to_kind, quantity, imported_cny, domestic_cny,',
    'hainan_made_cny, document_id, document_type, line_no, posting_id, reversal_of, audit_seq,',
    'business_date, created_at',
  ].join(' '),
  gate_release_orders: [
    'id, enterprise_id, document_type, document_id, port_code, plate, containers, seals,',
    'expected_gross_weight_kg, valid_from, valid_to, reservation_ids, status, passed_containers,',
    'held, content_hash, version, created_by, created_at, closed_at',
  ].join(' '),
  gate_events: [
    'event_id, device_id, port_code, lane_code, direction, plate, containers, weight_kg,',
    'seal_state, occurred_at, request_hash, decision, reasons, release_order_id, postings,',
    'source, decided_at',
  ].join(' '),
  decl_declarations: [
    'id, enterprise_id, kind, request_id, request_hash, version, root_id, previous_id, state,',
    'state_reason, book_id, regime, port_code, business_date, period, form, lines, taxes, risk,',
    'reservation_id, release_order_id, inspection_task_id, centralized_id, created_by,',
    'created_at, updated_at',
  ].join(' '),
};

/**
 * Writes one day: locks the heads of the partitions its entries join (ascending, as appendAudit
 * does), draws their seqs in time order, chains them, copies every table, moves the heads onto the
 * new entries (the head trigger checks each) and sets the balances of the items that moved.
 */
async function commitDay(
  tx: BulkTx,
  day: DayRows,
  enterprises: readonly Enterprise[],
  partitions: number,
  totals: { movements: number; auditEntries: number; rows: number },
): Promise<void> {
  const entries = day.entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  const parts = entries.map((e) => partitionOf(e.key, partitions));
  const wanted = [...new Set(parts)].sort((a, b) => a - b);
  const heads = new Map<number, { pseq: number; hash: string; seq: number }>();
  if (wanted.length) {
    const locked = await tx.rows<{ partition: number; pseq: string; hash: string }>(
      `select partition, pseq::text as pseq, hash from audit_heads where partition = any($1::int[])
       order by partition for update`,
      [`{${wanted.join(',')}}`],
    );
    for (const h of locked) heads.set(Number(h.partition), { pseq: Number(h.pseq), hash: h.hash, seq: 0 });
    const seqs = await tx.rows<{ s: string }>(
      `select nextval('audit_entries_seq')::text as s from generate_series(1, $1::int)`,
      [entries.length],
    );
    const auditRows: CopyRow[] = [];
    entries.forEach((e, i) => {
      const head = heads.get(parts[i]!)!;
      e.seq = Number(seqs[i]!.s);
      const link = { partition: parts[i]!, pseq: head.pseq + 1, prevHash: head.hash };
      const hash = partitionedHash(link, bodyDigest({ ...e, seq: e.seq }));
      auditRows.push([
        String(e.seq),
        String(link.partition),
        String(link.pseq),
        '2',
        e.at.toISOString(),
        e.actor,
        e.action,
        e.subject,
        e.change,
        link.prevHash,
        hash,
      ]);
      head.pseq = link.pseq;
      head.hash = hash;
      head.seq = e.seq;
    });
    await tx.copy(
      'audit_entries',
      'seq, partition, pseq, format, at, actor, action, subject, change, prev_hash, hash',
      auditRows,
    );
    totals.auditEntries += auditRows.length;
    totals.rows += auditRows.length;
  }
  for (const [table, rows] of day.tables) {
    await tx.copy(table, COLUMNS[table]!, rows);
    totals.rows += rows.length;
  }
  if (day.moves.length) {
    for (const m of day.moves) m.row[14] = String(m.entry.seq);
    await tx.copy(
      'ledger_movements',
      COLUMNS.ledger_movements!,
      day.moves.map((m) => m.row),
    );
    totals.rows += day.moves.length;
    totals.movements += day.moves.length;
  }
  for (const [partition, h] of heads)
    await tx.rows('update audit_heads set pseq = $1, hash = $2, seq = $3 where partition = $4', [
      h.pseq,
      h.hash,
      h.seq,
      partition,
    ]);
  // The balances of every item that moved today: absolute values, from the same sums the movements carry.
  const accounts: CopyRow[] = [];
  for (const ent of enterprises)
    for (const it of ent.items) {
      if (!it.touched) continue;
      it.touched = false;
      const stock = [
        it.id,
        'stock',
        ent.bookId,
        String(it.onHand),
        fenText(it.costFen),
        it.firstEntry,
        String(it.nStock),
      ];
      accounts.push(stock as CopyRow);
      if (it.nAbroad)
        accounts.push([
          it.id,
          'abroad',
          ent.bookId,
          String(it.abroadQ),
          fenText(it.abroadFen),
          null,
          String(it.nAbroad),
        ]);
      if (it.nMainland)
        accounts.push([
          it.id,
          'mainland',
          ent.bookId,
          String(it.mainlandQ),
          fenText(it.mainlandFen),
          null,
          String(it.nMainland),
        ]);
    }
  if (accounts.length) {
    await tx.rows(
      'create temp table if not exists sim_accounts (like ledger_accounts including defaults) on commit drop',
    );
    await tx.copy(
      'sim_accounts',
      'item_id, kind, book_id, on_hand, imported_cny, first_entry_date, movements',
      accounts,
    );
    await tx.rows(`insert into ledger_accounts (item_id, kind, book_id, on_hand, reserved, imported_cny, domestic_cny,
        hainan_made_cny, first_entry_date, movements)
      select item_id, kind, book_id, on_hand, 0, imported_cny, 0, 0, first_entry_date, movements from sim_accounts
      on conflict (item_id, kind) do update set on_hand = excluded.on_hand, imported_cny = excluded.imported_cny,
        first_entry_date = excluded.first_entry_date, movements = excluded.movements`);
  }
}
