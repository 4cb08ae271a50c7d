/**
 * L2-regularised logistic regression over the same encoded columns as the trees: the baseline the
 * tree ensemble has to beat (decision 0004). Fitted by Newton's method (IRLS), which converges in a
 * few deterministic steps on a hundred columns.
 */
import { FeatureEncoder } from './encoding.ts';
import { rankContributions } from './forest.ts';
import { sigmoid } from './random.ts';
import type { ExplainMethod, Explanation, FeatureValue, SerializedLogistic, TrainedModel } from './types.ts';

export function fitLogistic(
  encoder: FeatureEncoder,
  columns: Float64Array[],
  labels: Uint8Array,
  l2: number,
  onProgress?: (step: number, steps: number) => void,
): SerializedLogistic {
  const n = labels.length;
  const cols = columns.length;
  const signedLog = encoder.columns.map((name) => (name.endsWith('#rate') ? 0 : 1));
  const mean: number[] = [];
  const scale: number[] = [];
  const hasMissing: boolean[] = [];
  const transformed = columns.map((col, c) => {
    const t = Float64Array.from(col, (v) => (signedLog[c] ? signedLogOf(v) : v));
    let sum = 0;
    let count = 0;
    for (const v of t) if (!Number.isNaN(v)) (sum += v), count++;
    const m = count ? sum / count : 0;
    let ss = 0;
    for (const v of t) if (!Number.isNaN(v)) ss += (v - m) ** 2;
    mean.push(m);
    scale.push(count > 1 && ss > 0 ? Math.sqrt(ss / count) : 1);
    hasMissing.push(count < n);
    return t;
  });
  // Design: standardised columns, then a missing indicator per column that has missing values, then the intercept.
  const indicatorOf = hasMissing.map((has, c) => (has ? c : -1)).filter((c) => c >= 0);
  const d = cols + indicatorOf.length + 1;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let c = 0; c < cols; c++) {
      const v = transformed[c]![i]!;
      X[row + c] = Number.isNaN(v) ? 0 : (v - mean[c]!) / scale[c]!;
    }
    indicatorOf.forEach((c, k) => (X[row + cols + k] = Number.isNaN(transformed[c]![i]!) ? 1 : 0));
    X[row + d - 1] = 1;
  }
  const w = new Float64Array(d);
  const steps = 12;
  for (let step = 0; step < steps; step++) {
    const g = new Float64Array(d);
    const H = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let z = 0;
      for (let a = 0; a < d; a++) z += X[row + a]! * w[a]!;
      const p = sigmoid(z);
      const r = p - labels[i]!;
      const h = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < d; a++) {
        const xa = X[row + a]!;
        if (xa === 0) continue;
        g[a]! += r * xa;
        const hx = h * xa;
        for (let b = a; b < d; b++) H[a * d + b]! += hx * X[row + b]!;
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) H[a * d + b] = H[b * d + a]!;
      if (a < d - 1) {
        g[a]! += l2 * w[a]!;
        H[a * d + a]! += l2;
      }
      H[a * d + a]! += 1e-9;
    }
    const delta = solveSymmetric(H, g, d);
    let change = 0;
    for (let a = 0; a < d; a++) {
      w[a]! -= delta[a]!;
      change = Math.max(change, Math.abs(delta[a]!));
    }
    onProgress?.(step + 1, steps);
    if (change < 1e-8) break;
  }
  const missingWeights = new Array<number>(cols).fill(0);
  indicatorOf.forEach((c, k) => (missingWeights[c] = w[cols + k]!));
  return {
    format: 'tidegate-risk-model',
    kind: 'logistic-v1',
    spec: encoder.spec,
    encoder: encoder.toJSON(),
    columns: encoder.columns,
    signedLog,
    mean,
    scale,
    weights: Array.from(w.subarray(0, cols)),
    missingWeights,
    intercept: w[d - 1]!,
  };
}

function signedLogOf(v: number): number {
  return Number.isNaN(v) ? v : Math.sign(v) * Math.log1p(Math.abs(v));
}

/** Solves A x = b for symmetric positive definite A (Cholesky). */
function solveSymmetric(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * d + j]!;
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * d + k]! * y[k]!;
    y[i] = s / L[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= L[k * d + i]! * x[k]!;
    x[i] = s / L[i * d + i]!;
  }
  return x;
}

export class LogisticModel implements TrainedModel {
  readonly kind = 'logistic-v1';
  readonly spec: SerializedLogistic['spec'];
  private readonly encoder: FeatureEncoder;
  private readonly buffer: Float64Array;

  constructor(private readonly json: SerializedLogistic) {
    this.spec = json.spec;
    this.encoder = FeatureEncoder.fromJSON(json.spec, json.encoder);
    this.buffer = new Float64Array(this.encoder.columns.length);
  }

  /** Each column's term of the linear score. */
  private terms(features: Record<string, FeatureValue>, x: Float64Array): void {
    this.encoder.encodeInto(features, x);
    const j = this.json;
    for (let c = 0; c < x.length; c++) {
      const v = j.signedLog[c] ? signedLogOf(x[c]!) : x[c]!;
      x[c] = Number.isNaN(v) ? j.missingWeights[c]! : (j.weights[c]! * (v - j.mean[c]!)) / j.scale[c]!;
    }
  }

  rawScore(features: Record<string, FeatureValue>): number {
    this.terms(features, this.buffer);
    let z = this.json.intercept;
    for (let c = 0; c < this.buffer.length; c++) z += this.buffer[c]!;
    return z;
  }

  predict(features: Record<string, FeatureValue>): number {
    return sigmoid(this.rawScore(features));
  }

  /**
   * Linear terms around the training means are the Shapley values of a linear model (missing values aside): both
   * methods give them.
   */
  explain(features: Record<string, FeatureValue>, _options?: { method?: ExplainMethod }): Explanation {
    const { probability, perFeature } = this.contributions(features);
    return { probability, bias: this.json.intercept, contributions: rankContributions(this.spec, perFeature) };
  }

  contributions(features: Record<string, FeatureValue>): { probability: number; perFeature: Float64Array } {
    const x = new Float64Array(this.encoder.columns.length);
    this.terms(features, x);
    const perFeature = new Float64Array(this.spec.length);
    let z = this.json.intercept;
    for (let c = 0; c < x.length; c++) {
      perFeature[this.encoder.columnFeature[c]!]! += x[c]!;
      z += x[c]!;
    }
    return { probability: sigmoid(z), perFeature };
  }

  toJSON(): SerializedLogistic {
    return this.json;
  }
}
