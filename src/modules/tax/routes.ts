import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { ALL_ROLES } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { problems } from '../../kernel/problem.ts';
import * as service from './service.ts';
import { parseRateCsv } from './rateFile.ts';
import {
  applicableRateQuery,
  applicableRateResponse,
  calcScenarioBody,
  calcScenarioResponse,
  calcTaxBody,
  calcTaxResponse,
  calcValueAddedBody,
  calcValueAddedResponse,
  importRatesBody,
  importRatesResponse,
  listRatesQuery,
  rateOut,
} from './wire.ts';
import { z } from 'zod';

const calculators = ['calculators'];
const rates = ['exchange rates'];

/** The policy calculators (政策计算器, public, they file nothing) and the exchange-rate table. */
export const taxRoutes: ApiPlugin = (app, ctx) => {
  const today = () => shanghaiDate(ctx.clock.now());

  app.post('/api/v1/calc/tax', {
    config: { access: { public: true } },
    schema: {
      tags: calculators,
      summary: 'Duty, consumption tax and import VAT for goods lines in CNY, each with its formula',
      body: calcTaxBody,
      response: { 200: calcTaxResponse },
    },
    handler: async (req) => service.calculateTax(ctx.db, req.body, today()),
  });

  app.post('/api/v1/calc/value-added', {
    config: { access: { public: true } },
    schema: {
      tags: calculators,
      summary:
        'Processing value-added ratio (加工增值), with upstream cumulative numbers (累计编号), and whether ' +
        'it meets the threshold for duty-free sale to the mainland',
      body: calcValueAddedBody,
      response: { 200: calcValueAddedResponse },
    },
    handler: async (req) => service.calculateValueAdded(ctx.db, req.body, today()),
  });

  app.post('/api/v1/calc/scenario', {
    config: { access: { public: true } },
    schema: {
      tags: calculators,
      summary:
        'Goods, values in a currency and a route (first line, island transfer, second line): which ' +
        'taxes apply, why, and how much, each with its formula',
      body: calcScenarioBody,
      response: { 200: calcScenarioResponse },
    },
    handler: async (req) => service.calculateScenario(ctx.db, req.body, today()),
  });

  app.get('/api/v1/calc/exchange-rate', {
    config: { access: { public: true } },
    schema: {
      tags: calculators,
      summary: 'The exchange rate a declaration on a date converts at (third Wednesday of the previous month)',
      querystring: applicableRateQuery,
      response: { 200: applicableRateResponse },
    },
    handler: async (req) => {
      const declarationDate = req.query.declarationDate ?? today();
      const r = await service.applicableRate(ctx.db, req.query.currency, declarationDate);
      return {
        currency: r.rate.currency,
        declarationDate,
        rateDay: r.rateDay.explanation,
        rateDate: r.rate.rateDate,
        rate: r.rate.rate,
        unit: r.rate.unit,
        quote: r.rate.quote,
        version: r.rate.version,
        source: r.rate.source,
        parameterVersions: r.parameterVersions,
      };
    },
  });

  app.get('/api/v1/tax/exchange-rates', {
    config: { access: { roles: [...ALL_ROLES] } },
    schema: {
      tags: rates,
      summary: 'Exchange rates loaded (newest version of each currency and day)',
      querystring: listRatesQuery,
      response: { 200: z.object({ items: z.array(rateOut) }) },
    },
    handler: async (req) => ({ items: await service.listExchangeRates(ctx.db, req.query) }),
  });

  app.post('/api/v1/tax/exchange-rates/import', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: rates,
      summary:
        'Load exchange rates from CSV (currency,rateDate,rate[,unit][,quote][,source]); all or ' +
        'nothing, each bad row named by its line',
      body: importRatesBody,
      response: { 200: importRatesResponse },
    },
    handler: async (req) => {
      const parsed = parseRateCsv(req.body.csv, req.body.source);
      if (parsed.errors.length) {
        throw problems.validation(
          parsed.errors
            .slice(0, 200)
            .map((e) => ({ path: `csv[${e.line}].${e.path}`, message: `line ${e.line}: ${e.message}`, rule: e.rule })),
          `${parsed.errors.length} row error(s); nothing was loaded. csv[N] is line N of the file ` +
            `(the header is line 1).`,
        );
      }
      return service.importExchangeRates(
        ctx,
        actorOf(req),
        parsed.rows.map((r) => r.row),
        { defaultSource: 'CSV import' },
      );
    },
  });
};

/** The name plugins.ts registers the module under (the calculators came first). */
export const calcRoutes = taxRoutes;
