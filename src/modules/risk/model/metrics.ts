import type { Metrics } from './types.ts';

/**
 * The field's metrics (Jeong et al. 2022): S is the top ⌊n·N⌋ rows by score. Ties are broken by row
 * order, so the figures are deterministic; AUC counts ties as half.
 */
export function evaluate(scores: number[], labels: (0 | 1)[], revenue?: number[]): Metrics {
  if (scores.length !== labels.length) throw new Error(`evaluate: ${scores.length} scores but ${labels.length} labels`);
  if (revenue && revenue.length !== labels.length)
    throw new Error(`evaluate: ${revenue.length} revenue figures but ${labels.length} labels`);
  const order = rankDescending(scores);
  const totalPositives = labels.reduce<number>((s, y) => s + y, 0);
  const topCount = (n: number) => Math.floor(n * scores.length);
  const hitsInTop = (k: number) => {
    let hits = 0;
    for (let i = 0; i < k; i++) hits += labels[order[i]!]!;
    return hits;
  };
  const precisionAt = (n: number) => (topCount(n) === 0 ? 0 : hitsInTop(topCount(n)) / topCount(n));
  const recallAt = (n: number) => (totalPositives === 0 ? 0 : hitsInTop(topCount(n)) / totalPositives);
  const metrics: Metrics = {
    'precision@1%': precisionAt(0.01),
    'precision@2%': precisionAt(0.02),
    'precision@5%': precisionAt(0.05),
    'precision@10%': precisionAt(0.1),
    'recall@5%': recallAt(0.05),
    'recall@10%': recallAt(0.1),
    auc: auc(scores, labels),
  };
  if (revenue) {
    const total = revenue.reduce((s, r) => s + r, 0);
    const revenueAt = (n: number) => {
      const k = topCount(n);
      let caught = 0;
      for (let i = 0; i < k; i++) caught += revenue[order[i]!]!;
      return total > 0 ? caught / total : 0;
    };
    metrics['revenue@5%'] = revenueAt(0.05);
    metrics['revenue@10%'] = revenueAt(0.1);
  }
  return metrics;
}

/** Row indices by score, highest first; equal scores keep row order. */
export function rankDescending(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** Area under the ROC curve (Mann–Whitney U with average ranks for ties); 0.5 when one class is absent. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary log-loss of probabilities. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]!));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / Math.max(1, probabilities.length);
}
