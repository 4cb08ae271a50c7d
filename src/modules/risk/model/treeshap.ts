/**
 * TreeSHAP (Lundberg, Erion and Lee 2018, "Consistent individualized feature attribution for tree
 * ensembles", algorithm 2): exact Shapley values of each feature for one row, where a feature left out
 * follows both branches of its splits in proportion to the training rows that went each way. The
 * players are the features of the spec, not the encoded columns, so a categorical feature's count and
 * rate columns enter or leave together.
 */
export interface ShapForest {
  roots: Int32Array;
  /** [column·2 + missing-left, left, right] per internal node; a child < 0 is leaf ~child. */
  links: Int32Array;
  threshold: Float64Array;
  leafValue: Float64Array;
  nodeCover: Float64Array;
  leafCover: Float64Array;
  /** Feature (spec index) of each column. */
  owner: Int32Array;
}

interface PathElement {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

/** Adds each feature's Shapley value to phi (by spec index) and returns the expected raw score of the trees. */
export function treeShap(forest: ShapForest, x: Float64Array, phi: Float64Array): number {
  let expected = 0;
  for (let k = 0; k < forest.roots.length; k++) {
    const root = forest.roots[k]!;
    if (root < 0) {
      expected += forest.leafValue[~root]!;
      continue;
    }
    expected += expectation(forest, root);
    recurse(forest, x, phi, root, [], 1, 1, -1);
  }
  return expected;
}

function expectation(f: ShapForest, node: number): number {
  if (node < 0) return f.leafValue[~node]!;
  const left = f.links[node * 3 + 1]!;
  const right = f.links[node * 3 + 2]!;
  return (cover(f, left) * expectation(f, left) + cover(f, right) * expectation(f, right)) / f.nodeCover[node]!;
}

function cover(f: ShapForest, node: number): number {
  return node < 0 ? f.leafCover[~node]! : f.nodeCover[node]!;
}

function recurse(f: ShapForest, x: Float64Array, phi: Float64Array, node: number, parentPath: PathElement[], zero: number, one: number, feature: number): void {
  const path = parentPath.map((e) => ({ ...e }));
  extend(path, zero, one, feature);
  const depth = path.length - 1;
  if (node < 0) {
    const value = f.leafValue[~node]!;
    for (let i = 1; i <= depth; i++) {
      const e = path[i]!;
      phi[e.feature]! += unwoundSum(path, i) * (e.one - e.zero) * value;
    }
    return;
  }
  const at = node * 3;
  const packed = f.links[at]!;
  const column = packed >> 1;
  const v = x[column]!;
  const goesLeft = v <= f.threshold[node]! || (Number.isNaN(v) && (packed & 1) === 1);
  const hot = goesLeft ? f.links[at + 1]! : f.links[at + 2]!;
  const cold = goesLeft ? f.links[at + 2]! : f.links[at + 1]!;
  const splitFeature = f.owner[column]!;
  let incomingZero = 1;
  let incomingOne = 1;
  const seen = path.findIndex((e) => e.feature === splitFeature);
  if (seen > 0) {
    incomingZero = path[seen]!.zero;
    incomingOne = path[seen]!.one;
    unwind(path, seen);
  }
  const here = f.nodeCover[node]!;
  recurse(f, x, phi, hot, path, (cover(f, hot) / here) * incomingZero, incomingOne, splitFeature);
  recurse(f, x, phi, cold, path, (cover(f, cold) / here) * incomingZero, 0, splitFeature);
}

function extend(path: PathElement[], zero: number, one: number, feature: number): void {
  const d = path.length;
  path.push({ feature, zero, one, weight: d === 0 ? 1 : 0 });
  for (let i = d - 1; i >= 0; i--) {
    path[i + 1]!.weight += (one * path[i]!.weight * (i + 1)) / (d + 1);
    path[i]!.weight = (zero * path[i]!.weight * (d - i)) / (d + 1);
  }
}

function unwind(path: PathElement[], index: number): void {
  const d = path.length - 1;
  const { one, zero } = path[index]!;
  let next = path[d]!.weight;
  for (let i = d - 1; i >= 0; i--) {
    if (one !== 0) {
      const w = path[i]!.weight;
      path[i]!.weight = (next * (d + 1)) / ((i + 1) * one);
      next = w - (path[i]!.weight * zero * (d - i)) / (d + 1);
    } else {
      path[i]!.weight = (path[i]!.weight * (d + 1)) / (zero * (d - i));
    }
  }
  for (let i = index; i < d; i++) {
    path[i]!.feature = path[i + 1]!.feature;
    path[i]!.zero = path[i + 1]!.zero;
    path[i]!.one = path[i + 1]!.one;
  }
  path.pop();
}

function unwoundSum(path: PathElement[], index: number): number {
  const d = path.length - 1;
  const { one, zero } = path[index]!;
  let next = path[d]!.weight;
  let total = 0;
  if (one !== 0) {
    for (let i = d - 1; i >= 0; i--) {
      const t = next / ((i + 1) * one);
      total += t;
      next = path[i]!.weight - t * zero * (d - i);
    }
  } else {
    for (let i = d - 1; i >= 0; i--) total += path[i]!.weight / (zero * (d - i));
  }
  return total * (d + 1);
}
