import type { AppContext } from '../../platform/context.ts';
import { findUserByName, userActor } from '../../platform/auth/service.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { Problem } from '../../kernel/problem.ts';
import { runRiskSimulation } from './sim/run.ts';
import { addDays } from './stats.ts';
import {
  approveFeatures,
  approveModel,
  backtestFeatures,
  backtestModel,
  createFeatureDraft,
  installBaselineLibrary,
  listFeatures,
  shadowFeature,
  trainRiskModel,
} from './service.ts';

/**
 * Demo data for the risk engine, told as the platform's first weeks: the baseline library is
 * installed as drafts while simulated traffic flows; after ten days an analyst backtests and
 * approves it; after twenty, a model trained on the inspection and audit outcomes is backtested
 * and approved by a second analyst; one more draft waits for its second pair of eyes.
 */
export interface RiskDemoOptions {
  days?: number;
  traders?: number;
  seed?: number;
}

async function analyst(ctx: AppContext, username: string) {
  const u = await findUserByName(ctx.db, username);
  if (!u) throw new Error(`The demo needs the user ${username}.`);
  return userActor(u);
}

export async function seedRiskDemo(ctx: AppContext, opts: RiskDemoOptions = {}): Promise<void> {
  const days = opts.days ?? 28;
  const today = shanghaiDate(ctx.clock.now());
  const first = await analyst(ctx, 'analyst');
  const second = await analyst(ctx, 'analyst2');
  await installBaselineLibrary(ctx);
  const libraryDay = Math.floor(days * 0.35);
  const modelDay = Math.floor(days * 0.75);
  await runRiskSimulation(ctx, {
    seed: opts.seed ?? 2026,
    startDate: addDays(today, -days),
    days,
    traders: opts.traders ?? 45,
    // Far more post-clearance audits than a real month has, so a month of demo traffic labels enough to train on.
    auditRate: 0.4,
    onDay: async (day, _date, sim) => {
      if (day === libraryDay) {
        const drafts = (await listFeatures(sim, { status: 'DRAFT' })).map((f) => ({
          code: f.code,
          version: f.version,
        }));
        await backtestFeatures(sim, first, drafts);
        await approveFeatures(sim, first, drafts);
        const pending = await createFeatureDraft(sim, second, {
          code: 'VALUE_ADDED_NARROW_MARGIN_LARGE_EXIT',
          name: '增值率贴线的大额出岛 Large exit with a value-added ratio just clearing the threshold',
          description:
            'A processing exit over one million CNY whose value-added ratio clears the ' +
            'duty-exemption threshold by less than 5 points.',
          category: 'VALUE_ADDED',
          scope: 'LINE',
          expression:
            "decl.kind == 'SECOND_LINE_EXIT' and line.valueAddedMargin between 0 and 0.05 and line.valueCny >= 1000000",
          weight: '20',
        });
        await backtestFeatures(sim, second, [{ code: pending.code, version: pending.version }]);
        const shadow = await createFeatureDraft(sim, first, {
          code: 'LUXURY_GOODS_VIA_TRANSIT_HUB',
          name: '奢侈品经第三地中转 Luxury goods through a transit hub',
          description:
            'Cosmetics, watches, jewellery or bags shipped through a transit country: watched in ' +
            'shadow mode before anyone relies on it.',
          category: 'ROUTE',
          scope: 'LINE',
          expression: "decl.transshipped and line.hsHeading in ['3303', '3304', '9101', '9102', '7113', '4202']",
          weight: '10',
        });
        await shadowFeature(sim, first, shadow.code, shadow.version);
      }
      if (day === modelDay) {
        try {
          const model = await trainRiskModel(sim, first, { seed: 7 });
          await backtestModel(sim, first, model.version);
          await approveModel(sim, second, model.version);
        } catch (err) {
          if (!(err instanceof Problem)) throw err;
          ctx.log.warn({ err: err.message }, 'risk demo: no model trained');
        }
      }
    },
  });
}
