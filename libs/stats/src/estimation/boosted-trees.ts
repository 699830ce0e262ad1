import { InvalidArgumentError, InvalidStateError } from '../errors';

export interface BoostedTreesOptions {
  /** Boosting rounds (LightGBM's default 100). */
  rounds?: number;
  /** Shrinkage (default 0.1). */
  learningRate?: number;
  /** Leaves per tree, grown best-first (default 31). */
  maxLeaves?: number;
  /** Fewest rows in a leaf (default 20). */
  minLeafSize?: number;
  /** Candidate thresholds per feature: reference quantiles (default 255). */
  maxBins?: number;
}

export interface BoostedTreesJSON {
  kind: 'boosted-trees';
  base: number;
  /** Per tree, flat nodes: [feature, threshold, left, right] or, for a leaf, [-1, value, 0, 0]. */
  trees: number[][];
}

/**
 * Gradient-boosted regression trees for squared loss (Friedman 2001, "Greedy function
 * approximation: a gradient boosting machine"), grown leaf-wise with LightGBM's defaults (100
 * rounds, rate 0.1, 31 leaves, 20 rows per leaf; Ke et al. 2017) over thresholds at reference
 * quantiles. It is DLE's loss model: small, pure, deterministic (no row or feature sampling). It
 * lives here, not in @continuum/learning, because that package depends on this one.
 */
export class BoostedTrees {
  private constructor(
    private readonly base: number,
    private readonly trees: Float64Array[],
  ) {}

  static fit(
    rows: ReadonlyArray<ArrayLike<number>>,
    targets: ArrayLike<number>,
    options: BoostedTreesOptions = {},
  ) {
    const n = rows.length;
    if (n === 0 || targets.length !== n)
      throw new InvalidArgumentError('boosted trees need rows and one target each');
    const d = rows[0].length;
    const rounds = options.rounds ?? 100;
    const rate = options.learningRate ?? 0.1;
    const maxLeaves = options.maxLeaves ?? 31;
    const minLeaf = options.minLeafSize ?? 20;
    const maxBins = options.maxBins ?? 255;
    // Bin every feature once: thresholds at distinct reference quantiles.
    const thresholds: number[][] = [];
    const binned: Uint16Array[] = [];
    for (let f = 0; f < d; f++) {
      const sorted = Array.from({ length: n }, (_, i) => rows[i][f]).sort((a, b) => a - b);
      const cuts: number[] = [];
      for (let k = 1; k < maxBins; k++) {
        const v = sorted[Math.floor((k * n) / maxBins)];
        if (v > sorted[0] && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
      }
      thresholds.push(cuts);
      // bin b holds values in [cuts[b-1], cuts[b]); a split "bin < b" is "value < cuts[b-1]".
      binned.push(Uint16Array.from({ length: n }, (_, i) => upperBound(cuts, rows[i][f])));
    }
    let base = 0;
    for (let i = 0; i < n; i++) base += targets[i];
    base /= n;
    const prediction = new Float64Array(n).fill(base);
    const residual = new Float64Array(n);
    const trees: Float64Array[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < n; i++) residual[i] = targets[i] - prediction[i];
      const tree = growTree(binned, thresholds, residual, maxLeaves, minLeaf, rate);
      for (let i = 0; i < n; i++) prediction[i] += evaluate(tree, rows[i]);
      trees.push(tree);
    }
    return new BoostedTrees(base, trees);
  }

  predict(row: ArrayLike<number>): number {
    let out = this.base;
    for (const tree of this.trees) out += evaluate(tree, row);
    return out;
  }

  toJSON(): BoostedTreesJSON {
    return { kind: 'boosted-trees', base: this.base, trees: this.trees.map((t) => Array.from(t)) };
  }

  static fromJSON(json: BoostedTreesJSON): BoostedTrees {
    const ok =
      json?.kind === 'boosted-trees' &&
      Number.isFinite(json.base) &&
      Array.isArray(json.trees) &&
      json.trees.every((t) => Array.isArray(t) && t.length > 0 && t.length % 4 === 0);
    if (!ok) throw new InvalidStateError('boosted-trees state is malformed');
    return new BoostedTrees(
      json.base,
      json.trees.map((t) => Float64Array.from(t)),
    );
  }
}

function upperBound(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function evaluate(tree: Float64Array, row: ArrayLike<number>): number {
  let node = 0;
  while (tree[node * 4] >= 0) {
    node = row[tree[node * 4]] < tree[node * 4 + 1] ? tree[node * 4 + 2] : tree[node * 4 + 3];
  }
  return tree[node * 4 + 1];
}

interface Leaf {
  node: number;
  rows: number[];
  sum: number;
  split: { gain: number; feature: number; bin: number } | null;
}

/** One least-squares tree on the residuals, best-first until maxLeaves; leaf values × rate. */
function growTree(
  binned: Uint16Array[],
  thresholds: number[][],
  residual: Float64Array,
  maxLeaves: number,
  minLeaf: number,
  rate: number,
): Float64Array {
  const nodes: number[] = [];
  const newNode = () => {
    nodes.push(-1, 0, 0, 0);
    return nodes.length / 4 - 1;
  };
  const makeLeaf = (node: number, rows: number[]): Leaf => {
    let sum = 0;
    for (const i of rows) sum += residual[i];
    const leaf: Leaf = { node, rows, sum, split: null };
    leaf.split = bestSplit(binned, thresholds, residual, rows, sum, minLeaf);
    return leaf;
  };
  const all = Array.from({ length: residual.length }, (_, i) => i);
  const leaves: Leaf[] = [makeLeaf(newNode(), all)];
  while (leaves.length < maxLeaves) {
    let best = -1;
    for (let k = 0; k < leaves.length; k++) {
      const s = leaves[k].split;
      if (s && s.gain > 1e-12 && (best < 0 || s.gain > leaves[best].split!.gain)) best = k;
    }
    if (best < 0) break;
    const leaf = leaves[best];
    const { feature, bin } = leaf.split!;
    const left = leaf.rows.filter((i) => binned[feature][i] < bin);
    const right = leaf.rows.filter((i) => binned[feature][i] >= bin);
    const l = newNode();
    const r = newNode();
    nodes.splice(leaf.node * 4, 4, feature, thresholds[feature][bin - 1], l, r);
    leaves.splice(best, 1, makeLeaf(l, left), makeLeaf(r, right));
  }
  for (const leaf of leaves) nodes[leaf.node * 4 + 1] = (rate * leaf.sum) / leaf.rows.length;
  return Float64Array.from(nodes);
}

function bestSplit(
  binned: Uint16Array[],
  thresholds: number[][],
  residual: Float64Array,
  rows: number[],
  sum: number,
  minLeaf: number,
): Leaf['split'] {
  const n = rows.length;
  if (n < 2 * minLeaf) return null;
  const parent = (sum * sum) / n;
  let best: Leaf['split'] = null;
  for (let f = 0; f < binned.length; f++) {
    const bins = thresholds[f].length + 1;
    const count = new Float64Array(bins);
    const total = new Float64Array(bins);
    for (const i of rows) {
      count[binned[f][i]] += 1;
      total[binned[f][i]] += residual[i];
    }
    let leftCount = 0;
    let leftSum = 0;
    for (let b = 1; b < bins; b++) {
      leftCount += count[b - 1];
      leftSum += total[b - 1];
      const rightCount = n - leftCount;
      if (leftCount < minLeaf || rightCount < minLeaf || count[b - 1] === 0) continue;
      const gain =
        (leftSum * leftSum) / leftCount + ((sum - leftSum) * (sum - leftSum)) / rightCount - parent;
      if (!best || gain > best.gain) best = { gain, feature: f, bin: b };
    }
  }
  return best;
}
