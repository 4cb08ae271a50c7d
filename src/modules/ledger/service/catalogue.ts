/** The taxed catalogue (进口征税商品目录): effective-dated HS prefixes that administrators load as CSV. */
import { asc } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { readCsv } from '../../../kernel/csv.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import { ledgerTaxedCatalogue } from '../schema.ts';
import { cataloguePrefixes } from './documents.ts';
import { CATALOGUE_FOR_ITEMS_MEMO } from './core.ts';
import { forgetAllInCommand } from '../../../platform/commandMemo.ts';
import { isCalendarDate } from '../rules.ts';

/**
 * Loads catalogue versions from CSV `hsPrefix,description,validFrom[,validTo]`, all or nothing; bad
 * rows are named by line. A row with validTo ends an entry from that day (the newest version wins).
 */
export async function importCatalogue(ctx: AppContext, actor: Actor, csv: string, source = 'CSV import') {
  const { header, records } = readCsv(csv);
  const missing = ['hsPrefix', 'description', 'validFrom'].filter((c) => !header.includes(c));
  if (missing.length)
    throw problems.validation([
      {
        path: 'csv[1].header',
        rule: 'ledger.catalogue.header',
        message: `the header must name hsPrefix,description,validFrom[,validTo]; missing ${missing.join(', ')}`,
      },
    ]);
  const errors: FieldError[] = [];
  for (const r of records) {
    const c = r.cells;
    if (!/^[0-9]{2,10}$/.test(c.hsPrefix ?? ''))
      errors.push({
        path: `csv[${r.line}].hsPrefix`,
        rule: 'ledger.catalogue.hsPrefix',
        message: 'an HS prefix of 2 to 10 digits',
      });
    if (!c.description)
      errors.push({
        path: `csv[${r.line}].description`,
        rule: 'ledger.catalogue.description',
        message: 'description is required',
      });
    if (!isCalendarDate(c.validFrom ?? ''))
      errors.push({ path: `csv[${r.line}].validFrom`, rule: 'ledger.date', message: 'a date YYYY-MM-DD' });
    if (c.validTo !== undefined && (!isCalendarDate(c.validTo) || c.validTo <= (c.validFrom ?? '')))
      errors.push({
        path: `csv[${r.line}].validTo`,
        rule: 'ledger.date',
        message: 'a date YYYY-MM-DD after validFrom',
      });
  }
  if (!records.length) errors.push({ path: 'csv', rule: 'ledger.catalogue.empty', message: 'the file has no rows' });
  if (errors.length) throw problems.validation(errors);
  return runCommand(ctx, 'ledger.importCatalogue', async (tx) => {
    const now = ctx.clock.now();
    const batchId = uuidv7(now.getTime());
    forgetAllInCommand(tx, CATALOGUE_FOR_ITEMS_MEMO);
    await tx.insert(ledgerTaxedCatalogue).values(
      records.map((r) => ({
        hsPrefix: r.cells.hsPrefix!,
        description: r.cells.description!,
        validFrom: r.cells.validFrom!,
        validTo: r.cells.validTo ?? null,
        source,
        batchId,
        loadedBy: actorLabel(actor),
        loadedAt: now,
      })),
    );
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'ledger.importCatalogue',
      subject: 'ledger-catalogue',
      change: { batchId, rows: records.length, source },
      at: now,
    });
    return { batchId, imported: records.length };
  });
}

export async function listCatalogue(ex: Executor, asOf: string) {
  const inForce = new Set(await cataloguePrefixes(ex, asOf));
  const rows = await ex
    .select()
    .from(ledgerTaxedCatalogue)
    .orderBy(asc(ledgerTaxedCatalogue.hsPrefix), asc(ledgerTaxedCatalogue.id));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (r.validFrom <= asOf) latest.set(r.hsPrefix, r);
  return [...latest.values()]
    .filter((r) => inForce.has(r.hsPrefix))
    .map((r) => ({
      hsPrefix: r.hsPrefix,
      description: r.description,
      validFrom: r.validFrom,
      validTo: r.validTo,
      source: r.source,
      version: r.id,
    }));
}
