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

/**
 * The paths of all recursion levels live in one set of typed arrays, each level's copy right after
 * its parent's (as in the reference implementation), so a row's explanation allocates once.
 */
class Paths {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

/** Adds each feature's Shapley value to phi (by spec index) and returns the expected raw score of the trees. */
export function treeShap(forest: ShapForest, x: Float64Array, phi: Float64Array): number {
  let expected = 0;
  let paths: Paths | null = null;
  for (let k = 0; k < forest.roots.length; k++) {
    const root = forest.roots[k]!;
    if (root < 0) {
      expected += forest.leafValue[~root]!;
      continue;
    }
    expected += expectation(forest, root);
    const depth = maxDepth(forest, root);
    if (!paths || paths.feature.length < ((depth + 2) * (depth + 3)) / 2) paths = new Paths(depth);
    recurse(forest, x, phi, paths, root, 0, 0, 0, 1, 1, -1);
  }
  return expected;
}

function maxDepth(f: ShapForest, node: number): number {
  return node < 0 ? 0 : 1 + Math.max(maxDepth(f, f.links[node * 3 + 1]!), maxDepth(f, f.links[node * 3 + 2]!));
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

/**
 * `parent` is where the parent's path starts and `depth` its last index; this level's path starts
 * right after it.
 */
function recurse(
  f: ShapForest,
  x: Float64Array,
  phi: Float64Array,
  P: Paths,
  node: number,
  parent: number,
  parentLength: number,
  depthIn: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const p = parent + parentLength;
  P.feature.copyWithin(p, parent, parent + parentLength);
  P.zero.copyWithin(p, parent, parent + parentLength);
  P.one.copyWithin(p, parent, parent + parentLength);
  P.weight.copyWithin(p, parent, parent + parentLength);
  let depth = depthIn;
  extend(P, p, depth, zero, one, feature);
  if (node < 0) {
    const value = f.leafValue[~node]!;
    for (let i = 1; i <= depth; i++)
      phi[P.feature[p + i]!]! += unwoundSum(P, p, depth, i) * (P.one[p + i]! - P.zero[p + i]!) * value;
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
  let seen = 1;
  while (seen <= depth && P.feature[p + seen] !== splitFeature) seen++;
  if (seen <= depth) {
    incomingZero = P.zero[p + seen]!;
    incomingOne = P.one[p + seen]!;
    unwind(P, p, depth, seen);
    depth--;
  }
  const here = f.nodeCover[node]!;
  recurse(f, x, phi, P, hot, p, depth + 1, depth + 1, (cover(f, hot) / here) * incomingZero, incomingOne, splitFeature);
  recurse(f, x, phi, P, cold, p, depth + 1, depth + 1, (cover(f, cold) / here) * incomingZero, 0, splitFeature);
}

function extend(P: Paths, p: number, d: number, zero: number, one: number, feature: number): void {
  P.feature[p + d] = feature;
  P.zero[p + d] = zero;
  P.one[p + d] = one;
  P.weight[p + d] = d === 0 ? 1 : 0;
  const w = P.weight;
  for (let i = d - 1; i >= 0; i--) {
    w[p + i + 1]! += (one * w[p + i]! * (i + 1)) / (d + 1);
    w[p + i] = (zero * w[p + i]! * (d - i)) / (d + 1);
  }
}

function unwind(P: Paths, p: number, d: number, index: number): void {
  const one = P.one[p + index]!;
  const zero = P.zero[p + index]!;
  const w = P.weight;
  let next = w[p + d]!;
  for (let i = d - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = w[p + i]!;
      w[p + i] = (next * (d + 1)) / ((i + 1) * one);
      next = t - (w[p + i]! * zero * (d - i)) / (d + 1);
    } else {
      w[p + i] = (w[p + i]! * (d + 1)) / (zero * (d - i));
    }
  }
  for (let i = index; i < d; i++) {
    P.feature[p + i] = P.feature[p + i + 1]!;
    P.zero[p + i] = P.zero[p + i + 1]!;
    P.one[p + i] = P.one[p + i + 1]!;
  }
}

function unwoundSum(P: Paths, p: number, d: number, index: number): number {
  const one = P.one[p + index]!;
  const zero = P.zero[p + index]!;
  const w = P.weight;
  let next = w[p + d]!;
  let total = 0;
  if (one !== 0) {
    for (let i = d - 1; i >= 0; i--) {
      const t = next / ((i + 1) * one);
      total += t;
      next = w[p + i]! - t * zero * (d - i);
    }
  } else {
    for (let i = d - 1; i >= 0; i--) total += w[p + i]! / (zero * (d - i));
  }
  return total * (d + 1);
}
