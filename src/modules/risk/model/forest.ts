/**
 * A trained tree ensemble ready to score: all trees in flat typed arrays, raw thresholds, no bins.
 * predict is one encoding pass plus one root-to-leaf walk per tree (a few microseconds for hundreds
 * of trees). explain attributes the score to features along each walked path (Saabas): every split
 * moves the expected score from the node's value to the child's, and that move is credited to the
 * feature split on, so bias + contributions equals the raw score exactly.
 */
import { FeatureEncoder } from './encoding.ts';
import { sigmoid } from './random.ts';
import { treeShap } from './treeshap.ts';
import type {
  Contribution,
  ExplainMethod,
  Explanation,
  FeatureValue,
  SerializedGbdt,
  SerializedTree,
  TrainedModel,
} from './types.ts';

export class ForestModel implements TrainedModel {
  readonly kind: SerializedGbdt['kind'];
  readonly spec: SerializedGbdt['spec'];
  private readonly encoder: FeatureEncoder;
  private readonly roots: Int32Array;
  /** Per internal node, side by side for the cache: [column·2 + (missing goes left), left child, right child]. */
  private readonly links: Int32Array;
  private readonly threshold: Float64Array;
  private readonly nodeValue: Float64Array;
  private readonly leafValue: Float64Array;
  private readonly nodeCover: Float64Array;
  private readonly leafCover: Float64Array;
  private readonly buffer: Float64Array;
  private readonly perFeature: Float64Array;

  constructor(private readonly json: SerializedGbdt) {
    this.kind = json.kind;
    this.spec = json.spec;
    this.encoder = FeatureEncoder.fromJSON(json.spec, json.encoder);
    if (this.encoder.columns.join('\u0001') !== json.columns.join('\u0001'))
      throw new Error('model columns do not match its feature spec');
    let nodes = 0;
    let leaves = 0;
    json.trees.forEach((t, k) => checkTree(t, k, json.columns.length));
    for (const t of json.trees) (nodes += t.column.length), (leaves += t.leafValue.length);
    this.roots = new Int32Array(json.trees.length);
    this.links = new Int32Array(nodes * 3);
    this.threshold = new Float64Array(nodes);
    this.nodeValue = new Float64Array(nodes);
    this.leafValue = new Float64Array(leaves);
    this.nodeCover = new Float64Array(nodes);
    this.leafCover = new Float64Array(leaves);
    let nodeBase = 0;
    let leafBase = 0;
    const relocate = (child: number) => (child < 0 ? ~(~child + leafBase) : child + nodeBase);
    json.trees.forEach((t, k) => {
      this.roots[k] = t.column.length ? nodeBase : ~leafBase;
      for (let i = 0; i < t.column.length; i++) {
        const at = (nodeBase + i) * 3;
        this.links[at] = t.column[i]! * 2 + (t.missingLeft[i] ? 1 : 0);
        this.links[at + 1] = relocate(t.left[i]!);
        this.links[at + 2] = relocate(t.right[i]!);
        this.threshold[nodeBase + i] = t.threshold[i]!;
        this.nodeValue[nodeBase + i] = t.nodeValue[i]!;
      }
      this.leafValue.set(t.leafValue, leafBase);
      this.nodeCover.set(t.nodeCover, nodeBase);
      this.leafCover.set(t.leafCover, leafBase);
      nodeBase += t.column.length;
      leafBase += t.leafValue.length;
    });
    this.buffer = new Float64Array(this.encoder.columns.length);
    this.perFeature = new Float64Array(this.spec.length);
  }

  rawScore(features: Record<string, FeatureValue>): number {
    this.encoder.encodeInto(features, this.buffer);
    return this.rawScoreOfEncoded(this.buffer);
  }

  private rawScoreOfEncoded(x: Float64Array): number {
    let sum = this.json.initScore;
    const { links, threshold, leafValue, roots } = this;
    for (let k = 0; k < roots.length; k++) {
      let node = roots[k]!;
      while (node >= 0) {
        const at = node * 3;
        const packed = links[at]!;
        const v = x[packed >> 1]!;
        // NaN (missing) fails v <= t and goes right unless the node sends missing values left.
        node = v <= threshold[node]! || (Number.isNaN(v) && (packed & 1) === 1) ? links[at + 1]! : links[at + 2]!;
      }
      sum += leafValue[~node]!;
    }
    return sum;
  }

  predict(features: Record<string, FeatureValue>): number {
    return sigmoid(this.rawScore(features));
  }

  explain(features: Record<string, FeatureValue>, options?: { method?: ExplainMethod }): Explanation {
    const x = new Float64Array(this.encoder.columns.length);
    this.encoder.encodeInto(features, x);
    const perFeature = new Float64Array(this.spec.length);
    if (options?.method === 'treeshap') {
      const forest = {
        roots: this.roots,
        links: this.links,
        threshold: this.threshold,
        leafValue: this.leafValue,
        nodeCover: this.nodeCover,
        leafCover: this.leafCover,
        owner: this.encoder.columnFeature,
      };
      const bias = this.json.initScore + treeShap(forest, x, perFeature);
      return {
        probability: sigmoid(this.rawScoreOfEncoded(x)),
        bias,
        contributions: rankContributions(this.spec, perFeature),
      };
    }
    const { bias, raw } = this.saabas(x, perFeature);
    return { probability: sigmoid(raw), bias, contributions: rankContributions(this.spec, perFeature) };
  }

  contributions(features: Record<string, FeatureValue>): { probability: number; perFeature: Float64Array } {
    const x = this.buffer;
    this.encoder.encodeInto(features, x);
    const perFeature = this.perFeature;
    perFeature.fill(0);
    return { probability: sigmoid(this.saabas(x, perFeature).raw), perFeature };
  }

  /** Walks every tree for the encoded row `x`, adding each split's move to its feature in `perFeature`. */
  private saabas(x: Float64Array, perFeature: Float64Array): { bias: number; raw: number } {
    const owner = this.encoder.columnFeature;
    const { links, threshold, nodeValue, leafValue, roots } = this;
    let bias = this.json.initScore;
    let raw = this.json.initScore;
    for (let k = 0; k < roots.length; k++) {
      let node = roots[k]!;
      if (node < 0) {
        bias += leafValue[~node]!;
        raw += leafValue[~node]!;
        continue;
      }
      bias += nodeValue[node]!;
      while (node >= 0) {
        const at = node * 3;
        const packed = links[at]!;
        const c = packed >> 1;
        const v = x[c]!;
        const next = v <= threshold[node]! || (Number.isNaN(v) && (packed & 1) === 1) ? links[at + 1]! : links[at + 2]!;
        const nextValue = next < 0 ? leafValue[~next]! : nodeValue[next]!;
        perFeature[owner[c]!]! += nextValue - nodeValue[node]!;
        node = next;
      }
      raw += leafValue[~node]!;
    }
    return { bias, raw };
  }

  toJSON(): SerializedGbdt {
    return this.json;
  }
}

/**
 * A stored model may have been edited or truncated: refuse one whose trees are not trees (a child
 * out of range would read garbage, a cycle would never end) rather than score with it.
 */
function checkTree(t: SerializedTree, k: number, columns: number): void {
  const fail = (why: string) => {
    throw new Error(`risk model tree ${k}: ${why}`);
  };
  const nodes = t.column?.length ?? -1;
  if (nodes < 0 || !Array.isArray(t.leafValue)) fail('missing arrays');
  for (const key of ['threshold', 'missingLeft', 'left', 'right', 'nodeValue', 'nodeCover'] as const)
    if (t[key]?.length !== nodes) fail(`${key} has the wrong length`);
  if (t.leafValue.length !== nodes + 1) fail('a binary tree has one leaf more than internal nodes');
  if (t.leafCover?.length !== nodes + 1) fail('leafCover has the wrong length');
  if ([...t.nodeCover, ...t.leafCover].some((c) => typeof c !== 'number' || !(c > 0)))
    fail('covers must be positive numbers');
  const reached = new Uint8Array(nodes);
  const leavesReached = new Uint8Array(nodes + 1);
  for (let i = 0; i < nodes; i++) {
    if (!Number.isInteger(t.column[i]) || t.column[i]! < 0 || t.column[i]! >= columns)
      fail(`node ${i}: column out of range`);
    if (typeof t.threshold[i] !== 'number' || Number.isNaN(t.threshold[i]))
      fail(`node ${i}: threshold is not a number`);
    for (const child of [t.left[i]!, t.right[i]!]) {
      if (!Number.isInteger(child)) fail(`node ${i}: child is not an integer`);
      if (child >= 0) {
        // Children come after their parent, which rules out cycles.
        if (child <= i || child >= nodes || reached[child]) fail(`node ${i}: bad child ${child}`);
        reached[child] = 1;
      } else {
        if (~child > nodes || leavesReached[~child]) fail(`node ${i}: bad leaf ${~child}`);
        leavesReached[~child] = 1;
      }
    }
  }
  if (t.leafValue.some((v) => typeof v !== 'number' || !Number.isFinite(v))) fail('leaf values must be finite numbers');
}

/** One contribution per feature of the spec, largest |contribution| first (spec order on ties). */
export function rankContributions(spec: { name: string }[], perFeature: Float64Array): Contribution[] {
  return spec
    .map((f, i) => ({ feature: f.name, contribution: perFeature[i]!, i }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.i - b.i)
    .map(({ feature, contribution }) => ({ feature, contribution }));
}
