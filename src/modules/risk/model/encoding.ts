/**
 * Turns raw features into numeric columns the learners split on. A numeric feature is one column. A
 * categorical feature (trader IDs, HS codes, countries, offices: thousands of levels) becomes two:
 * how often the category was seen in training (`#count`) and its smoothed fraud rate (`#rate`).
 * The rate of a training row never includes that row's own label (out-of-fold or time-ordered
 * statistics), otherwise rare categories would leak their label and the trees would learn to trust
 * a rate that no new declaration can have.
 */
import type {
  CategoryTable,
  FeatureSpec,
  FeatureValue,
  SerializedEncoder,
  TargetEncoding,
  TrainingRow,
} from './types.ts';

const MISSING = '\u0000missing';

export function categoryKey(value: FeatureValue | undefined): string {
  return value === null || value === undefined || value === '' ? MISSING : String(value);
}

export function numericValue(value: FeatureValue | undefined): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

export interface EncoderFitOptions {
  targetEncoding: TargetEncoding;
  targetFolds: number;
  targetSmoothing: number;
}

interface CategoryLookup {
  index: Map<string, number>;
  count: Float64Array;
  rate: Float64Array;
}

/** The fitted encoder: fixed statistics over the training rows, used for every row scored later. */
export class FeatureEncoder {
  readonly columns: string[];
  /** Spec index of the feature behind each column (to add column contributions up per feature). */
  readonly columnFeature: Int32Array;
  private readonly lookups: (CategoryLookup | null)[];

  constructor(
    readonly spec: FeatureSpec[],
    readonly prior: number,
    tables: Map<string, CategoryTable>,
  ) {
    this.columns = [];
    const owners: number[] = [];
    this.lookups = spec.map((f, i) => {
      if (f.kind === 'numeric') {
        this.columns.push(f.name);
        owners.push(i);
        return null;
      }
      this.columns.push(`${f.name}#count`, `${f.name}#rate`);
      owners.push(i, i);
      const table = tables.get(f.name) ?? [];
      const lookup: CategoryLookup = {
        index: new Map(),
        count: new Float64Array(table.length),
        rate: new Float64Array(table.length),
      };
      table.forEach(([key, count, rate], k) => {
        lookup.index.set(key, k);
        lookup.count[k] = count;
        lookup.rate[k] = rate;
      });
      return lookup;
    });
    this.columnFeature = Int32Array.from(owners);
  }

  /** Writes the encoded columns of one row into `out` (length = columns.length); missing is NaN. */
  encodeInto(features: Record<string, FeatureValue>, out: Float64Array): void {
    let c = 0;
    for (let i = 0; i < this.spec.length; i++) {
      const f = this.spec[i]!;
      const lookup = this.lookups[i];
      if (!lookup) {
        out[c++] = numericValue(features[f.name]);
        continue;
      }
      const k = lookup.index.get(categoryKey(features[f.name]));
      if (k === undefined) {
        out[c++] = 0;
        out[c++] = this.prior;
      } else {
        out[c++] = lookup.count[k]!;
        out[c++] = lookup.rate[k]!;
      }
    }
  }

  /** Column-major matrix of many rows, encoded with the fitted statistics. */
  encodeRows(rows: { features: Record<string, FeatureValue> }[]): Float64Array[] {
    const matrix = this.columns.map(() => new Float64Array(rows.length));
    const buffer = new Float64Array(this.columns.length);
    rows.forEach((row, r) => {
      this.encodeInto(row.features, buffer);
      for (let c = 0; c < buffer.length; c++) matrix[c]![r] = buffer[c]!;
    });
    return matrix;
  }

  toJSON(): SerializedEncoder {
    return {
      prior: this.prior,
      categories: this.spec.flatMap((f, i) => {
        const lookup = this.lookups[i];
        if (!lookup) return [];
        const table: CategoryTable = [...lookup.index.entries()].map(([key, k]) => [
          key,
          lookup.count[k]!,
          lookup.rate[k]!,
        ]);
        return [{ feature: f.name, table }];
      }),
    };
  }

  static fromJSON(spec: FeatureSpec[], json: SerializedEncoder): FeatureEncoder {
    return new FeatureEncoder(spec, json.prior, new Map(json.categories.map((c) => [c.feature, c.table])));
  }
}

/**
 * Fits the encoder on the training rows and returns, beside it, the training matrix whose rate
 * columns hold leak-free statistics (see TargetEncoding).
 */
export function fitEncoder(
  spec: FeatureSpec[],
  rows: TrainingRow[],
  opts: EncoderFitOptions,
  random: () => number,
): { encoder: FeatureEncoder; matrix: Float64Array[] } {
  const n = rows.length;
  const prior = n === 0 ? 0.5 : rows.reduce((s, r) => s + r.label, 0) / n;
  const m = opts.targetSmoothing;
  const smoothed = (sum: number, count: number) => (sum + prior * m) / (count + m);
  const folds = new Uint8Array(n);
  if (opts.targetEncoding === 'kfold') for (let i = 0; i < n; i++) folds[i] = Math.floor(random() * opts.targetFolds);

  const tables = new Map<string, CategoryTable>();
  const trainColumns: Float64Array[] = [];
  for (const f of spec) {
    if (f.kind === 'numeric') {
      trainColumns.push(Float64Array.from(rows, (r) => numericValue(r.features[f.name])));
      continue;
    }
    const ids = new Map<string, number>();
    const rowCategory = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = categoryKey(rows[i]!.features[f.name]);
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      rowCategory[i] = id;
    }
    const countColumn = new Float64Array(n);
    const rateColumn = new Float64Array(n);
    const total = new Float64Array(ids.size);
    const positives = new Float64Array(ids.size);
    if (opts.targetEncoding === 'ordered') {
      for (let i = 0; i < n; i++) {
        const id = rowCategory[i]!;
        countColumn[i] = total[id]!;
        rateColumn[i] = smoothed(positives[id]!, total[id]!);
        total[id]!++;
        positives[id]! += rows[i]!.label;
      }
    } else {
      const k = opts.targetFolds;
      const foldTotal = new Float64Array(ids.size * k);
      const foldPositives = new Float64Array(ids.size * k);
      for (let i = 0; i < n; i++) {
        const id = rowCategory[i]!;
        total[id]!++;
        positives[id]! += rows[i]!.label;
        foldTotal[id * k + folds[i]!]!++;
        foldPositives[id * k + folds[i]!]! += rows[i]!.label;
      }
      for (let i = 0; i < n; i++) {
        const id = rowCategory[i]!;
        const slot = id * k + folds[i]!;
        countColumn[i] = total[id]!;
        rateColumn[i] = smoothed(positives[id]! - foldPositives[slot]!, total[id]! - foldTotal[slot]!);
      }
    }
    trainColumns.push(countColumn, rateColumn);
    // Sorted by key so the serialised model is byte-stable for a seed.
    const table: CategoryTable = [...ids.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key, id]) => [key, total[id]!, Number(smoothed(positives[id]!, total[id]!).toPrecision(7))]);
    tables.set(f.name, table);
  }
  return { encoder: new FeatureEncoder(spec, prior, tables), matrix: trainColumns };
}
