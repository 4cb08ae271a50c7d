/**
 * Histogram bins (LightGBM style): each column's values are cut at up to maxBins-1 thresholds chosen
 * from the training distribution, so a split search scans bins, not rows. Bin 0 holds missing values;
 * value x falls in bin 1 + (number of thresholds below x). A split "bins 1..b go left" is the raw test
 * x <= thresholds[b-1], so a trained tree predicts on raw values and never needs the bins again.
 */
export interface ColumnBins {
  /** Upper bound of value bins 1..thresholds.length; the last value bin is unbounded. */
  thresholds: Float64Array;
}

export function binCount(bins: ColumnBins): number {
  return bins.thresholds.length + 2;
}

export function fitBins(values: Float64Array, maxBins: number): ColumnBins {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  if (present.length === 0) return { thresholds: new Float64Array(0) };
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < present.length; i++) {
    const v = present[i]!;
    if (distinct.length && distinct[distinct.length - 1] === v) counts[counts.length - 1]!++;
    else distinct.push(v), counts.push(1);
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(midpoint(distinct[i]!, distinct[i + 1]!));
  } else {
    // Equal-frequency cuts; a heavy single value gets a bin of its own.
    let remaining = present.length;
    let binsLeft = maxBins;
    let inBin = 0;
    for (let i = 0; i + 1 < distinct.length && binsLeft > 1; i++) {
      inBin += counts[i]!;
      const target = remaining / binsLeft;
      if (inBin >= target || counts[i + 1]! >= target) {
        cuts.push(midpoint(distinct[i]!, distinct[i + 1]!));
        remaining -= inBin;
        inBin = 0;
        binsLeft--;
      }
    }
  }
  return { thresholds: Float64Array.from(cuts) };
}

function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  // Guards against rounding putting the cut on b itself for adjacent doubles.
  return m < b ? m : a;
}

export function binOf(bins: ColumnBins, x: number): number {
  if (Number.isNaN(x)) return 0;
  const t = bins.thresholds;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= t[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

export function binColumn(bins: ColumnBins, values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = binOf(bins, values[i]!);
  return out;
}
