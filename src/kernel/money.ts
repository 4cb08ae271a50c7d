/**
 * Exact decimals for customs figures: decimal.js with enough precision that no intermediate step
 * of a tax computation ever rounds; only the rule decides where to round (half-up, to 0.01 CNY).
 */
import { Decimal } from 'decimal.js';

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

export const ZERO = new D(0);

/** An amount in CNY as customs states it: rounded half-up to the fen (0.01). */
export const cny = (v: Decimal.Value): Dec => new D(v).toDecimalPlaces(2, D.ROUND_HALF_UP);

export const sum = (values: readonly Decimal.Value[]): Dec => values.reduce<Dec>((s, x) => s.plus(x), ZERO);

/** Two decimals always, for wire and formulas: "1200.00". */
export const fen = (d: Dec): string => d.toFixed(2);

/** A rate or quantity as given (no trailing zeros added): "0.13", "200". */
export const plain = (v: Decimal.Value): string => new D(v).toString();
