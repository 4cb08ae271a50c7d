import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { replicaRead } from '../../platform/http/reads.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { problems } from '../../kernel/problem.ts';
import { isoDate, text } from '../../kernel/wire.ts';
import { runCommand } from '../../platform/command.ts';
import { findEnterpriseByUscc } from '../subjects/service.ts';
import * as service from './service.ts';
import type { DocumentInput } from './service.ts';
import {
  directReleaseOut,
  alertOut,
  bookOut,
  catalogueOut,
  documentBody,
  documentOut,
  documentSummaryOut,
  itemBalanceOut,
  itemCorrectionBody,
  itemIn,
  itemOut,
  movementOut,
  movementQuery,
  openBookBody,
  reservationOut,
  valueAddedOut,
  valueAddedQuery,
  verifyOut,
} from './wire.ts';

const READERS: Role[] = [...OFFICER_ROLES, 'enterprise_user'];
/** Who files on a book: the enterprise itself, and officers acting for it. */
const FILERS: Role[] = ['admin', 'auditor', 'enterprise_user'];
const AUDITORS: Role[] = ['admin', 'auditor'];
const tags = ['ledger'];
const bookParams = z.object({ bookId: z.uuid() });

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Electronic account books (一企一账): books, items, movements, documents; auditors verify and approve. */
export const ledgerRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/ledger/books', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Account books (an enterprise user sees only its own)',
      response: { 200: z.object({ items: z.array(bookOut) }) },
    },
    handler: async (req) => ({ items: await service.listBooks(ctx.db, actorOf(req)) }),
  });

  app.post('/api/v1/ledger/books', {
    config: { access: { roles: FILERS } },
    schema: {
      tags,
      summary: 'Open a book of a regime (the enterprise must hold the matching qualification)',
      body: openBookBody,
      response: { 201: bookOut },
    },
    handler: async (req, reply) => {
      const e = await findEnterpriseByUscc(ctx.db, req.body.uscc);
      if (!e)
        throw problems.field('uscc', 'ledger.enterpriseUnknown', `Enterprise ${req.body.uscc} is not registered.`);
      return reply
        .code(201)
        .send(await service.openBook(ctx, actorOf(req), { enterpriseId: e.id, regime: req.body.regime }));
    },
  });

  app.get('/api/v1/ledger/books/:bookId', {
    config: { access: { roles: READERS } },
    schema: { tags, summary: 'One book', params: bookParams, response: { 200: bookOut } },
    handler: async (req) => {
      const b = await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      return (await service.getBook(ctx.db, b.id))!;
    },
  });

  app.get('/api/v1/ledger/books/:bookId/items', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Items (料号) of a book with their balances and cost basis',
      params: bookParams,
      response: { 200: z.object({ items: z.array(itemBalanceOut) }) },
    },
    handler: async (req) => ({ items: await service.listItemsWithBalances(ctx.db, actorOf(req), req.params.bookId) }),
  });

  app.post('/api/v1/ledger/books/:bookId/items', {
    config: { access: { roles: FILERS } },
    schema: {
      tags,
      summary: 'Add items to a book, all or nothing',
      params: bookParams,
      body: z.object({ items: z.array(itemIn).min(1).max(5000) }).strict(),
      response: { 201: z.object({ items: z.array(itemOut) }) },
    },
    handler: async (req, reply) => {
      await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      return reply
        .code(201)
        .send({ items: await service.addItems(ctx, actorOf(req), req.params.bookId, req.body.items) });
    },
  });

  app.post('/api/v1/ledger/books/:bookId/items/import', {
    config: { access: { roles: FILERS } },
    schema: {
      tags,
      summary:
        'Import items from CSV (itemNo,hsCode,name,specification,unit,originCountry); any bad row ' +
        'refuses the file, each named as csv[line].field',
      params: bookParams,
      body: z.object({ csv: text.min(1).max(5_000_000) }).strict(),
      response: { 200: z.object({ rows: z.number(), imported: z.number(), items: z.array(itemOut) }) },
    },
    handler: async (req) => {
      await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      const r = await service.importItemsCsv(ctx, actorOf(req), req.params.bookId, req.body.csv);
      return { rows: r.rows, imported: r.imported, items: r.items };
    },
  });

  app.post('/api/v1/ledger/books/:bookId/items/:itemId/correction', {
    config: { access: { roles: FILERS } },
    schema: {
      tags,
      summary:
        "Correct an item's master data (HS code, origin, name, specification), checked as a new item; " +
        'refused while a reservation is open on it (ledger.item.reserved); audited',
      params: z.object({ bookId: z.uuid(), itemId: z.uuid() }),
      body: itemCorrectionBody,
      response: { 200: itemOut },
    },
    handler: async (req) => {
      await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      const { reason, ...changes } = req.body;
      const { bookId, itemId } = req.params;
      return service.correctItem(ctx, actorOf(req), { bookId, itemId, changes, reason });
    },
  });

  app.get('/api/v1/ledger/books/:bookId/items/:itemId/value-added', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Value-added ratio of a quantity of an item sold at a price, from the cost basis on the book',
      params: z.object({ bookId: z.uuid(), itemId: z.uuid() }),
      querystring: valueAddedQuery,
      response: { 200: valueAddedOut },
    },
    handler: async (req) => {
      await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      return service.valueAddedOf(
        ctx.db,
        {
          bookId: req.params.bookId,
          itemId: req.params.itemId,
          quantity: req.query.quantity,
          salePrice: req.query.salePrice,
        },
        shanghaiDate(ctx.clock.now()),
      );
    },
  });

  app.get('/api/v1/ledger/books/:bookId/movements', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Movement history, newest first, with filters',
      params: bookParams,
      querystring: movementQuery,
      response: {
        200: z.object({ items: z.array(movementOut), total: z.number(), page: z.number(), pageSize: z.number() }),
      },
    },
    handler: async (req) =>
      replicaRead(ctx, req, (c) => service.listMovements(c.db, actorOf(req), req.params.bookId, req.query)),
  });

  app.get('/api/v1/ledger/books/:bookId/movements.csv', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Movement history as CSV (the same filters; up to 100,000 rows)',
      params: bookParams,
      querystring: movementQuery.omit({ page: true, pageSize: true }),
    },
    handler: async (req, reply) => {
      const cols = [
        'seq',
        'businessDate',
        'itemNo',
        'itemName',
        'unit',
        'from',
        'to',
        'quantity',
        'importedCny',
        'domesticCny',
        'hainanMadeCny',
        'documentType',
        'documentId',
        'lineNo',
        'reversalOf',
        'auditSeq',
        'createdAt',
      ] as const;
      const lines: string[] = [cols.join(',')];
      await replicaRead(ctx, req, async (rc) => {
        lines.length = 1; // a read handed from a failed replica to the primary starts again
        for (let page = 1; page <= 500; page++) {
          const r = await service.listMovements(rc.db, actorOf(req), req.params.bookId, {
            ...req.query,
            page,
            pageSize: 200,
          });
          for (const m of r.items) lines.push(cols.map((c) => csvCell(m[c])).join(','));
          if (page * 200 >= r.total) break;
        }
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="movements-${req.params.bookId}.csv"`)
        .send('\uFEFF' + lines.join('\n') + '\n');
    },
  });

  app.get('/api/v1/ledger/books/:bookId/documents', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Documents filed on a book, newest first',
      params: bookParams,
      querystring: z.object({ status: text.max(20).optional(), type: text.max(40).optional() }).strict(),
      response: { 200: z.object({ items: z.array(documentSummaryOut) }) },
    },
    handler: async (req) => {
      await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      return { items: await service.listDocuments(ctx.db, req.params.bookId, req.query) };
    },
  });

  app.get('/api/v1/ledger/books/:bookId/reservations', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Reservations (预核扣) of a book, newest first',
      params: bookParams,
      querystring: z.object({ status: z.enum(['OPEN', 'POSTED', 'VOID', 'EXPIRED']).optional() }).strict(),
      response: { 200: z.object({ items: z.array(reservationOut) }) },
    },
    handler: async (req) => {
      await service.visibleBook(ctx.db, actorOf(req), req.params.bookId);
      return {
        items: (await service.listReservations(ctx.db, req.params.bookId, req.query.status)).map((r) => ({
          ...r,
          expiresAt: r.expiresAt.toISOString(),
        })),
      };
    },
  });

  app.post('/api/v1/ledger/documents', {
    config: { access: { roles: FILERS } },
    schema: {
      tags,
      summary:
        'File a document that moves a book (import, export, island transfer, processing, scrap, ' +
        'adjustment, reversal); all or nothing, the first failing line named',
      body: documentBody,
      response: { 201: documentOut },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await service.fileDocument(ctx, actorOf(req), req.body as DocumentInput)),
  });

  app.get('/api/v1/ledger/documents/:documentId', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'A document with its movements',
      params: z.object({ documentId: z.uuid() }),
      response: { 200: documentOut },
    },
    handler: async (req) => {
      const d = await service.getDocument(ctx.db, req.params.documentId);
      if (!d) throw problems.notFound(`Document ${req.params.documentId}`);
      await service.visibleBook(ctx.db, actorOf(req), d.bookId);
      return d;
    },
  });

  app.post('/api/v1/ledger/documents/:documentId/decision', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags,
      summary: 'Approve or reject a pending adjustment (a second person: not who filed it)',
      params: z.object({ documentId: z.uuid() }),
      body: z.object({ approve: z.boolean(), note: text.max(500).optional() }).strict(),
      response: { 200: documentOut },
    },
    handler: async (req) => service.decideAdjustment(ctx, actorOf(req), req.params.documentId, req.body),
  });

  app.get('/api/v1/ledger/adjustments/pending', {
    config: { access: { roles: AUDITORS } },
    schema: {
      tags,
      summary: 'Adjustments waiting for an auditor',
      response: { 200: z.object({ items: z.array(documentSummaryOut) }) },
    },
    handler: async () => ({ items: await service.pendingAdjustments(ctx.db) }),
  });

  app.post('/api/v1/ledger/verify', {
    config: { access: { roles: AUDITORS } },
    schema: {
      tags,
      summary: 'Recompute every balance from the movements and compare (the verifier)',
      body: z.object({}).strict().optional(),
      response: { 200: verifyOut },
    },
    handler: async () => service.verifyLedger(ctx.db),
  });

  app.post('/api/v1/ledger/direct-releases', {
    config: { access: { roles: ['admin', 'inspector', 'auditor'] } },
    schema: {
      tags,
      summary:
        'Record goods released directly at the first line (径予放行): they must be entered into the book ' +
        '(a first-line import naming directReleaseId) within ledger.directReleaseEntryDays, or an alert is raised',
      body: z
        .object({ releaseId: z.uuid(), bookId: z.uuid(), reference: text.min(1).max(64), releasedOn: isoDate })
        .strict(),
      response: { 201: directReleaseOut },
    },
    handler: async (req, reply) => {
      const r = await runCommand(ctx, 'ledger.directRelease', (tx, batch) =>
        service.registerDirectRelease(tx, ctx, { ...req.body, actor: actorOf(req) }, batch),
      );
      return reply.code(201).send({
        id: r.id,
        bookId: r.bookId,
        reference: r.reference,
        releasedOn: r.releasedOn,
        dueOn: r.dueOn,
        enteredDocumentId: r.enteredDocumentId,
      });
    },
  });

  app.get('/api/v1/ledger/alerts', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Ledger alerts (direct-release entries overdue or late)',
      querystring: z.object({ bookId: z.uuid().optional() }).strict(),
      response: { 200: z.object({ items: z.array(alertOut) }) },
    },
    handler: async (req) => ({ items: await service.listAlerts(ctx.db, req.query) }),
  });

  app.get('/api/v1/ledger/catalogue', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'The taxed catalogue (进口征税商品目录) in force on a date, by HS prefix',
      querystring: z.object({ asOf: isoDate.optional() }).strict(),
      response: { 200: z.object({ asOf: z.string(), items: z.array(catalogueOut) }) },
    },
    handler: async (req) => {
      const asOf = req.query.asOf ?? shanghaiDate(ctx.clock.now());
      return { asOf, items: await service.listCatalogue(ctx.db, asOf) };
    },
  });

  app.post('/api/v1/ledger/catalogue/import', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Load taxed-catalogue versions from CSV (hsPrefix,description,validFrom[,validTo]); all or nothing',
      body: z.object({ csv: text.min(1).max(5_000_000), source: text.max(200).optional() }).strict(),
      response: { 200: z.object({ batchId: z.string(), imported: z.number() }) },
    },
    handler: async (req) => service.importCatalogue(ctx, actorOf(req), req.body.csv, req.body.source),
  });
};
