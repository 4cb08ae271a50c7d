import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { D } from './money.ts';
import type { RateQuote } from './exchangeRates.ts';
import type { RateRow } from './wire.ts';
import { importExchangeRates } from './service.ts';

/**
 * ILLUSTRATIVE demo rates, NOT official PBoC figures: plausible central-parity levels of 2025–2026
 * for CNY's main currencies, with a small deterministic weekly wobble. Quoted the way the PBoC
 * quotes them: CNY per 1 (per 100 JPY) for most, foreign units per 1 CNY for KRW, MYR, RUB, THB.
 */
const DEMO_CURRENCIES: { currency: string; level: string; unit: number; quote: RateQuote }[] = [
  { currency: 'USD', level: '7.1000', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'EUR', level: '8.2500', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'JPY', level: '4.6500', unit: 100, quote: 'CNY_PER_UNIT' },
  { currency: 'HKD', level: '0.9125', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'GBP', level: '9.4500', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'AUD', level: '4.6200', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'CAD', level: '5.0800', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'CHF', level: '8.8800', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'SGD', level: '5.4700', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'NZD', level: '4.0500', unit: 1, quote: 'CNY_PER_UNIT' },
  { currency: 'KRW', level: '196.50', unit: 1, quote: 'UNIT_PER_CNY' },
  { currency: 'MYR', level: '0.5940', unit: 1, quote: 'UNIT_PER_CNY' },
  { currency: 'RUB', level: '11.300', unit: 1, quote: 'UNIT_PER_CNY' },
  { currency: 'THB', level: '4.5700', unit: 1, quote: 'UNIT_PER_CNY' },
];

/** A 16-week wave of ±1.2% (one period of a sine, written out as decimals), each currency a few weeks apart. */
const WEEKLY_WOBBLE = [
  '0.0000',
  '0.0046',
  '0.0085',
  '0.0111',
  '0.0120',
  '0.0111',
  '0.0085',
  '0.0046',
  '0.0000',
  '-0.0046',
  '-0.0085',
  '-0.0111',
  '-0.0120',
  '-0.0111',
  '-0.0085',
  '-0.0046',
] as const;

export const DEMO_RATE_SOURCE = 'demo: illustrative, not official';

/** Every Wednesday from January 2025 to the end of the seeding month: the rate days of the demo period. */
export function demoRateRows(today: string): RateRow[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 0));
  const rows: RateRow[] = [];
  let week = 0;
  for (let d = new Date(Date.UTC(2025, 0, 1)); d <= end; d = new Date(d.getTime() + 7 * 86_400_000), week++) {
    const rateDate = d.toISOString().slice(0, 10);
    DEMO_CURRENCIES.forEach((c, i) => {
      const wobble = WEEKLY_WOBBLE[(week + 3 * i) % WEEKLY_WOBBLE.length]!;
      rows.push({
        currency: c.currency,
        rateDate,
        rate: new D(c.level).times(new D(wobble).plus(1)).toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4),
        unit: c.unit,
        quote: c.quote,
        source: DEMO_RATE_SOURCE,
      });
    });
  }
  return rows;
}

/** Loads the demo rates through the same command an administrator's CSV goes through. */
export async function seedTaxDemo(ctx: AppContext): Promise<void> {
  await importExchangeRates(ctx, systemActor('demo-seed'), demoRateRows(shanghaiDate(ctx.clock.now())), {
    defaultSource: DEMO_RATE_SOURCE,
  });
}
