import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { ALL_ROLES } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { problems } from '../../kernel/problem.ts';
import { z } from 'zod';
import * as service from './service.ts';
import { parseTariffCsv, type TariffFileError } from './tariffFile.ts';
import { versionInForce } from './rules.ts';
import { importTariffBody, importTariffResponse, ratesQuery, ratesResponse } from './wire.ts';
import { tariffCode, tariffLineOut, versionsQuery } from './wire.ts';

const tags = ['tariff'];

/** Row errors as a problem: csv[N] is line N of the file, so a spreadsheet user finds the row. */
function rowProblem(errors: readonly TariffFileError[]) {
  const fieldErrors = errors
    .slice(0, 200)
    .map((e) => ({ path: `csv[${e.line}].${e.path}`, message: `line ${e.line}: ${e.message}`, rule: e.rule }));
  const detail =
    `${errors.length} row error(s); nothing was loaded. ` + 'csv[N] is line N of the file (the header is line 1).';
  return problems.validation(fieldErrors, detail);
}

/** The tariff table (税则): loaded by administrators, read by everyone, rates by code, origin and date. */
export const tariffRoutes: ApiPlugin = (app, ctx) => {
  const today = () => shanghaiDate(ctx.clock.now());

  app.post('/api/v1/tariff/import', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Load tariff-line versions from CSV; all or nothing, each bad row named by its line',
      body: importTariffBody,
      response: { 200: importTariffResponse },
    },
    handler: async (req) => {
      const parsed = parseTariffCsv(req.body.csv);
      if (parsed.errors.length) throw rowProblem(parsed.errors);
      const rows = parsed.rows.map((r) => r.row);
      return service.importTariff(ctx, actorOf(req), rows, { source: req.body.source ?? 'CSV import' });
    },
  });

  app.get('/api/v1/tariff/lines/:code', {
    config: { access: { roles: [...ALL_ROLES] } },
    schema: {
      tags,
      summary: 'The versions of a tariff line (10 digits), or the one in force on a day',
      params: z.object({ code: tariffCode }),
      querystring: versionsQuery,
      response: { 200: z.object({ items: z.array(tariffLineOut) }) },
    },
    handler: async (req) => {
      const all = await service.tariffVersions(ctx.db, req.params.code);
      const asOf = req.query.asOf;
      const found = asOf ? versionInForce(all, asOf) : null;
      return { items: asOf ? (found ? [found] : []) : all };
    },
  });

  app.get('/api/v1/calc/tariff-rates', {
    config: { access: { public: true } },
    schema: {
      tags: ['calculators'],
      summary: 'The duty, consumption tax and VAT rates of goods by tariff code, origin and date, and why',
      querystring: ratesQuery,
      response: { 200: ratesResponse },
    },
    handler: async (req) => {
      const date = req.query.date ?? today();
      const origin = req.query.origin ?? null;
      const r = await service.ratesFor(ctx.db, { code: req.query.code, origin, date });
      if (!r) throw service.tariffLineMissing('code', req.query.code, date);
      const { line, duty, consumptionTax, vatRate, parameterVersions } = r;
      return { code: line.code, origin, date, duty, consumptionTax, vatRate, unit: line.unit, line, parameterVersions };
    },
  });
};
