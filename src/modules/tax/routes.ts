import type { ApiPlugin } from '../../platform/http/server.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { problems } from '../../kernel/problem.ts';
import { declarationTax, meetsValueAddedThreshold, ratioString, valueAddedRatio, type TaxLineResult } from './rules.ts';
import { calcTaxBody, calcTaxResponse, calcValueAddedBody, calcValueAddedResponse } from './wire.ts';

const tags = ['calculators'];
const s2 = (d: { toFixed(n: number): string }) => d.toFixed(2);

function lineView(r: TaxLineResult) {
  return { dutiableValue: s2(r.dutiableValue), duty: s2(r.duty), consumptionTax: s2(r.consumptionTax), vat: s2(r.vat), total: s2(r.total), formulas: r.formulas };
}

/** The policy calculators (政策计算器): public, file nothing, answer "what would this cost?". */
export const calcRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/calc/tax', {
    config: { access: { public: true } },
    schema: { tags, summary: 'Duty, consumption tax and import VAT for goods lines, each with its formula', body: calcTaxBody, response: { 200: calcTaxResponse } },
    handler: async (req) => {
      const today = shanghaiDate(ctx.clock.now());
      const threshold = await getParameter<string>(ctx.db, 'tax.dutyCollectionThresholdCny', today);
      const vatRates = await getParameter<string[]>(ctx.db, 'tax.vatRates', today);
      const result = declarationTax(req.body.lines, { dutyCollectionThresholdCny: threshold.value, vatRates: vatRates.value });
      if (!result.ok) throw problems.validation(result.violations);
      const r = result.value;
      return {
        lines: r.lines.map(lineView),
        duty: s2(r.duty),
        consumptionTax: s2(r.consumptionTax),
        vat: s2(r.vat),
        total: s2(r.total),
        dutyWaived: r.dutyWaived,
        parameterVersions: { 'tax.dutyCollectionThresholdCny': threshold.version, 'tax.vatRates': vatRates.version },
      };
    },
  });

  app.post('/api/v1/calc/value-added', {
    config: { access: { public: true } },
    schema: { tags, summary: 'Processing value-added ratio (加工增值) and whether it meets the threshold for duty-free sale to the mainland', body: calcValueAddedBody, response: { 200: calcValueAddedResponse } },
    handler: async (req) => {
      const threshold = await getParameter<string>(ctx.db, 'tax.valueAddedThreshold', shanghaiDate(ctx.clock.now()));
      const result = valueAddedRatio(req.body);
      if (!result.ok) throw problems.validation([result.violation]);
      return { ratio: ratioString(result.ratio), meetsThreshold: meetsValueAddedThreshold(result.ratio, threshold.value), threshold: threshold.value, parameterVersions: { 'tax.valueAddedThreshold': threshold.version } };
    },
  });
};
