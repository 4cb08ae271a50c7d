/**
 * Histogram gradient boosting of binary log-loss (LightGBM's method, re-done small): binned columns,
 * leaf-wise growth up to numLeaves, histogram subtraction (build the smaller child, derive the larger
 * from its parent), learned direction for missing values, shrinkage, row bagging and column sampling
 * per tree, L2 on leaf values, early stopping on a validation set. Pure and deterministic for a seed.
 */
import { binColumn, binCount, fitBins, type ColumnBins } from './binning.ts';
import { auc, logLoss, rankDescending } from './metrics.ts';
import { sampleIndices, sigmoid } from './random.ts';
import type { EarlyStoppingMetric, SerializedTree } from './types.ts';

export interface GbdtParams {
  rounds: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  lambdaL2: number;
  minGainToSplit: number;
  baggingFraction: number;
  featureFraction: number;
  maxBins: number;
  earlyStoppingRounds: number;
  earlyStoppingMetric: EarlyStoppingMetric;
}

export interface GbdtResult {
  initScore: number;
  trees: SerializedTree[];
  roundsRun: number;
  /** Total split gain per column. */
  gain: Float64Array;
}

interface Split {
  gain: number;
  column: number;
  bin: number;
  missingLeft: boolean;
}

interface Leaf {
  start: number;
  end: number;
  hist: Float64Array;
  sumG: number;
  sumH: number;
  depth: number;
  split: Split | null;
  /** Where to write this leaf's id once it is final or split: [internal node, side]. */
  parent: [number, 'left' | 'right'] | null;
}

/** Tree in bin space while training: the split bin becomes a raw threshold when it is serialised. */
type BinTree = Omit<SerializedTree, 'threshold'> & { bin: number[] };

export function trainGbdt(
  train: { columns: Float64Array[]; labels: Uint8Array },
  valid: { columns: Float64Array[]; labels: Uint8Array } | null,
  p: GbdtParams,
  random: () => number,
  onProgress?: (round: number, rounds: number) => void,
): GbdtResult {
  const n = train.labels.length;
  const nCols = train.columns.length;
  const bins: ColumnBins[] = train.columns.map((c) => fitBins(c, p.maxBins));
  const binned = train.columns.map((c, j) => binColumn(bins[j]!, c));
  const validBinned = valid ? valid.columns.map((c, j) => binColumn(bins[j]!, c)) : null;
  const offsets = new Int32Array(nCols + 1);
  for (let j = 0; j < nCols; j++) offsets[j + 1] = offsets[j]! + binCount(bins[j]!);
  const totalBins = offsets[nCols]!;

  let positives = 0;
  for (let i = 0; i < n; i++) positives += train.labels[i]!;
  const base = Math.min(1 - 1e-6, Math.max(1e-6, n ? positives / n : 0.5));
  const initScore = Math.log(base / (1 - base));
  const scores = new Float64Array(n).fill(initScore);
  const validScores = valid ? new Float64Array(valid.labels.length).fill(initScore) : null;
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const gain = new Float64Array(nCols);

  const pool: Float64Array[] = [];
  const takeHist = () => pool.pop()?.fill(0) ?? new Float64Array(totalBins * 3);
  const indices = new Uint32Array(n);
  const scratch = new Uint32Array(n);
  const bagSize = Math.max(1, Math.round(n * p.baggingFraction));
  const colCount = Math.max(1, Math.round(nCols * p.featureFraction));

  let used: Uint32Array = new Uint32Array(0);
  const trees: BinTree[] = [];
  let best = { round: 0, value: Number.NEGATIVE_INFINITY };
  let roundsRun = 0;
  for (let round = 0; round < p.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const prob = sigmoid(scores[i]!);
      grad[i] = prob - train.labels[i]!;
      hess[i] = Math.max(prob * (1 - prob), 1e-16);
    }
    const bag = bagSize < n ? sampleIndices(n, bagSize, random, scratch) : null;
    if (bag) indices.set(bag);
    else for (let i = 0; i < n; i++) indices[i] = i;
    used = colCount < nCols ? sampleIndices(nCols, colCount, random) : Uint32Array.from({ length: nCols }, (_, j) => j);

    const tree = growTree(bag ? bag.length : n);
    trees.push(tree);
    for (let i = 0; i < n; i++) scores[i]! += leafValueOfBinned(tree, binned, i);
    roundsRun = round + 1;
    onProgress?.(roundsRun, p.rounds);

    if (valid && validScores && validBinned) {
      for (let i = 0; i < validScores.length; i++) validScores[i]! += leafValueOfBinned(tree, validBinned, i);
      const value = validationValue(validScores, valid.labels, p.earlyStoppingMetric);
      if (value > best.value) best = { round: roundsRun, value };
      else if (p.earlyStoppingRounds > 0 && roundsRun - best.round >= p.earlyStoppingRounds) break;
    }
    // A tree without a split on all rows and all columns means nothing is left to learn; with
    // sampling, the next draw may still find something.
    if (tree.column.length === 0 && round > 0 && colCount === nCols && bagSize === n) break;
  }
  const kept = valid && p.earlyStoppingRounds > 0 ? trees.slice(0, Math.max(1, best.round)) : trees;
  return { initScore, trees: kept.map((t) => toRawTree(t, bins)), roundsRun, gain };

  function growTree(bagCount: number): BinTree {
    const tree: BinTree = {
      column: [],
      bin: [],
      missingLeft: [],
      left: [],
      right: [],
      nodeValue: [],
      leafValue: [],
      nodeCover: [],
      leafCover: [],
    };
    const root = makeLeaf(0, bagCount, 0, null, null);
    const open: Leaf[] = [root];
    let leaves = 1;
    while (leaves < p.numLeaves) {
      let pick = -1;
      for (let k = 0; k < open.length; k++) {
        const s = open[k]!.split;
        if (s && (pick < 0 || s.gain > open[pick]!.split!.gain)) pick = k;
      }
      if (pick < 0) break;
      const leaf = open[pick]!;
      const split = leaf.split!;
      const node = tree.column.length;
      tree.column.push(split.column);
      tree.bin.push(split.bin);
      tree.missingLeft.push(split.missingLeft ? 1 : 0);
      tree.left.push(0);
      tree.right.push(0);
      tree.nodeValue.push(output(leaf.sumG, leaf.sumH));
      tree.nodeCover.push(leaf.end - leaf.start);
      attach(tree, leaf.parent, node);
      gain[split.column]! += split.gain;

      const mid = partition(leaf.start, leaf.end, split);
      const leftSmaller = mid - leaf.start <= leaf.end - mid;
      const small = leftSmaller
        ? makeLeaf(leaf.start, mid, leaf.depth + 1, null, [node, 'left'])
        : makeLeaf(mid, leaf.end, leaf.depth + 1, null, [node, 'right']);
      // The larger child's histogram is its parent's minus the smaller's, in the parent's buffer.
      const bigHist = leaf.hist;
      for (let b = 0; b < bigHist.length; b++) bigHist[b]! -= small.hist[b]!;
      const big = leftSmaller
        ? makeLeaf(mid, leaf.end, leaf.depth + 1, bigHist, [node, 'right'])
        : makeLeaf(leaf.start, mid, leaf.depth + 1, bigHist, [node, 'left']);
      open.splice(pick, 1, small, big);
      leaves++;
    }
    for (const leaf of open) {
      attach(tree, leaf.parent, ~tree.leafValue.length);
      tree.leafValue.push(output(leaf.sumG, leaf.sumH));
      tree.leafCover.push(leaf.end - leaf.start);
      pool.push(leaf.hist);
    }
    return tree;
  }

  function output(g: number, h: number): number {
    return (-g / (h + p.lambdaL2)) * p.learningRate;
  }

  function makeLeaf(
    start: number,
    end: number,
    depth: number,
    hist: Float64Array | null,
    parent: Leaf['parent'],
  ): Leaf {
    let sumG = 0;
    let sumH = 0;
    for (let k = start; k < end; k++) {
      const i = indices[k]!;
      sumG += grad[i]!;
      sumH += hess[i]!;
    }
    const h = hist ?? buildHistogram(start, end);
    const leaf: Leaf = { start, end, hist: h, sumG, sumH, depth, split: null, parent };
    if (end - start >= 2 * p.minDataInLeaf && (p.maxDepth <= 0 || depth < p.maxDepth)) leaf.split = bestSplit(leaf);
    return leaf;
  }

  function buildHistogram(start: number, end: number): Float64Array {
    const h = takeHist();
    const count = end - start;
    const g = new Float64Array(count);
    const hs = new Float64Array(count);
    const rows = indices.subarray(start, end);
    for (let k = 0; k < count; k++) {
      g[k] = grad[rows[k]!]!;
      hs[k] = hess[rows[k]!]!;
    }
    for (let u = 0; u < used.length; u++) {
      const j = used[u]!;
      const col = binned[j]!;
      const base = offsets[j]!;
      for (let k = 0; k < count; k++) {
        const slot = (base + col[rows[k]!]!) * 3;
        h[slot]! += g[k]!;
        h[slot + 1]! += hs[k]!;
        h[slot + 2]!++;
      }
    }
    return h;
  }

  function bestSplit(leaf: Leaf): Split | null {
    const { hist: h, sumG, sumH } = leaf;
    const total = leaf.end - leaf.start;
    const parentScore = (sumG * sumG) / (sumH + p.lambdaL2);
    let best: Split | null = null;
    for (let u = 0; u < used.length; u++) {
      const j = used[u]!;
      const base = offsets[j]!;
      const nb = offsets[j + 1]! - base;
      const mg = h[base * 3]!;
      const mh = h[base * 3 + 1]!;
      const mc = h[base * 3 + 2]!;
      let lg = 0;
      let lh = 0;
      let lc = 0;
      for (let b = 1; b < nb; b++) {
        const s = (base + b) * 3;
        lg += h[s]!;
        lh += h[s + 1]!;
        lc += h[s + 2]!;
        for (let side = 0; side < (mc > 0 ? 2 : 1); side++) {
          const gl = side ? lg + mg : lg;
          const hl = side ? lh + mh : lh;
          const cl = side ? lc + mc : lc;
          const cr = total - cl;
          if (cl < p.minDataInLeaf || cr < p.minDataInLeaf) continue;
          const hr = sumH - hl;
          if (hl < p.minSumHessianInLeaf || hr < p.minSumHessianInLeaf) continue;
          const gr = sumG - gl;
          const gainHere = (gl * gl) / (hl + p.lambdaL2) + (gr * gr) / (hr + p.lambdaL2) - parentScore;
          if (gainHere > p.minGainToSplit && (!best || gainHere > best.gain)) {
            // With no missing value here, unseen missing values follow the larger side.
            best = { gain: gainHere, column: j, bin: b, missingLeft: mc > 0 ? side === 1 : cl >= cr };
          }
        }
      }
    }
    return best;
  }

  function partition(start: number, end: number, split: Split): number {
    const col = binned[split.column]!;
    let l = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const i = indices[k]!;
      const b = col[i]!;
      if (b === 0 ? split.missingLeft : b <= split.bin) indices[l++] = i;
      else scratch[r++] = i;
    }
    indices.set(scratch.subarray(0, r), l);
    return l;
  }
}

function attach(tree: BinTree, parent: Leaf['parent'], child: number): void {
  if (!parent) return;
  if (parent[1] === 'left') tree.left[parent[0]] = child;
  else tree.right[parent[0]] = child;
}

function leafValueOfBinned(tree: BinTree, binned: Uint8Array[], row: number): number {
  if (tree.column.length === 0) return tree.leafValue[0]!;
  let node = 0;
  for (;;) {
    const b = binned[tree.column[node]!]![row]!;
    const next = (b === 0 ? tree.missingLeft[node] === 1 : b <= tree.bin[node]!) ? tree.left[node]! : tree.right[node]!;
    if (next < 0) return tree.leafValue[~next]!;
    node = next;
  }
}

function toRawTree(t: BinTree, bins: ColumnBins[]): SerializedTree {
  return {
    column: t.column,
    // "All values left, missing right" has no upper cut: the largest double stands for it in JSON.
    threshold: t.column.map((c, k) => bins[c]!.thresholds[t.bin[k]! - 1] ?? Number.MAX_VALUE),
    missingLeft: t.missingLeft,
    left: t.left,
    right: t.right,
    nodeValue: t.nodeValue.map(compact),
    leafValue: t.leafValue.map(compact),
    nodeCover: t.nodeCover,
    leafCover: t.leafCover,
  };
}

/**
 * Seven significant digits (float32 precision) for stored leaf and node values: the JSON shrinks by
 * half and scores move by less than 1e-6 in log-odds. Thresholds stay exact: a rounded cut could
 * cross a data value and change a split.
 */
export function compact(v: number): number {
  return Number(v.toPrecision(7));
}

/** Higher is better for every metric (log-loss is negated). */
function validationValue(rawScores: Float64Array, labels: Uint8Array, metric: EarlyStoppingMetric): number {
  if (metric === 'auc') return auc(rawScores, labels);
  if (metric === 'logloss') return -logLoss(Float64Array.from(rawScores, sigmoid), labels);
  const share = metric === 'precision@5%' ? 0.05 : 0.1;
  const k = Math.floor(share * rawScores.length);
  const order = rankDescending(rawScores);
  let hits = 0;
  for (let i = 0; i < k; i++) hits += labels[order[i]!]!;
  return k ? hits / k : 0;
}
