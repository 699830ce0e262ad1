import { TestRandom } from '../../test/random';
import { wassersteinDistance } from '../statistics/wasserstein';
import { ByteReader, ByteWriter } from './codec';
import { QuantileSketch } from './quantile-sketch';
import { SpaceSaving } from './space-saving';
import { InvalidStateError } from '../errors';
import { type WeightedSample, exactSample } from '@continuum/stats';

/** sup_x |F_sample(x) - F_data(x)| over every data point. */
function supCdfError(data: Float64Array, s: WeightedSample): number {
  const sorted = Float64Array.from(data).sort();
  let worst = 0;
  let j = 0;
  let cum = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
    while (j < s.values.length && s.values[j] <= sorted[i]) cum += s.weights ? s.weights[j++] : (j++, 1);
    worst = Math.max(worst, Math.abs(cum / s.count - (i + 1) / sorted.length));
  }
  return worst;
}

function stream(kind: string, n: number, seed: number): Float64Array {
  const r = new TestRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'normal') out[i] = r.normal();
    else if (kind === 'lognormal') out[i] = Math.exp(r.normal(0, 1.5));
    else if (kind === 'sorted') out[i] = i;
    else if (kind === 'discrete') out[i] = r.int(7);
    else out[i] = i % 2 ? r.normal(-3, 0.5) : r.normal(4, 2); // bimodal
  }
  return out;
}

describe('QuantileSketch', () => {
  it('is exact up to exactLimit values, then bounded in size', () => {
    const s = new QuantileSketch({ compression: 200, exactLimit: 500 });
    const data = stream('normal', 500, 1);
    data.forEach((x) => s.add(x));
    expect(s.isExact).toBe(true);
    expect(s.toWeightedSample().values).toEqual(Float64Array.from(data).sort());
    for (let i = 0; i < 200_000; i++) s.add(i);
    expect(s.isExact).toBe(false);
    expect(s.count).toBe(200_500);
    expect(s.retainedItems).toBeLessThan(3 * 200 + 8);
  });

  it.each(['normal', 'lognormal', 'sorted', 'discrete', 'bimodal'])(
    'stays within its own rank and Wasserstein error bounds, which stay small, and conserves weight (%s, 100k values)',
    (kind) => {
      const data = stream(kind, 100_000, 7);
      const s = new QuantileSketch({ compression: 200 });
      data.forEach((x) => s.add(x));
      const sample = s.toWeightedSample();
      expect(sample.weights!.reduce((a, b) => a + b, 0)).toBe(100_000);
      const rank = supCdfError(data, sample);
      expect(rank).toBeLessThanOrEqual(s.rankError + 1e-12);
      expect(rank).toBeLessThan(0.02);
      expect(s.rankError).toBeLessThan(0.05);
      const w = wassersteinDistance(exactSample(data), sample).distance;
      expect(w).toBeLessThanOrEqual(s.wassersteinError * (1 + 1e-9) + 1e-12);
      // Small next to the spread of the data (drift thresholds on the normed distance are ~0.1 std).
      const mean = data.reduce((a, b) => a + b, 0) / data.length;
      const std = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length);
      expect(w / std).toBeLessThan(0.015);
      expect(s.wassersteinError / std).toBeLessThan(0.06);
    },
  );

  it('keeps O(δ) values: memory and bytes stop growing with the stream length', () => {
    const s = new QuantileSketch({ compression: 200 });
    let n = 0;
    for (const target of [1e5, 2e5, 5e5, 1e6, 2e6, 4e6]) {
      for (; n < target; n++) s.add((n * 7919) % 1_000_003);
      const w = new ByteWriter();
      s.write(w);
      // At most δ + 2 centroids (each pair spans more than one unit of the k1 scale) plus the 2δ buffer.
      expect(s.retainedItems).toBeLessThanOrEqual(3 * 200 + 2);
      expect(w.size).toBeLessThan(202 * 33 + 400 * 8 + 64);
    }
  });

  it('merges within its error bounds, whatever the order', () => {
    const data = stream('lognormal', 90_000, 3);
    const parts = [0, 1, 2].map((p) => {
      const s = new QuantileSketch();
      for (let i = p; i < data.length; i += 3) s.add(data[i]);
      return s;
    });
    const abc = new QuantileSketch().merge(parts[0]).merge(parts[1]).merge(parts[2]);
    const cba = new QuantileSketch()
      .merge(parts[2])
      .merge(new QuantileSketch().merge(parts[1]).merge(parts[0]));
    for (const merged of [abc, cba]) {
      expect(merged.count).toBe(90_000);
      expect(merged.min).toBe(Math.min(...data));
      expect(merged.max).toBe(Math.max(...data));
      const sample = merged.toWeightedSample();
      expect(supCdfError(data, sample)).toBeLessThanOrEqual(merged.rankError + 1e-12);
      expect(wassersteinDistance(exactSample(data), sample).distance).toBeLessThanOrEqual(
        merged.wassersteinError * (1 + 1e-9) + 1e-12,
      );
    }
  });

  it('merging exact sketches stays exact', () => {
    const a = new QuantileSketch({ exactLimit: 100 });
    const b = new QuantileSketch({ exactLimit: 100 });
    [3, 1, 2].forEach((x) => a.add(x));
    [5, 4].forEach((x) => b.add(x));
    const m = a.merge(b);
    expect(m.isExact).toBe(true);
    expect(Array.from(m.toWeightedSample().values)).toEqual([1, 2, 3, 4, 5]);
  });

  it('serializes exactly (same answers, same future behaviour)', () => {
    const s = new QuantileSketch();
    const data = stream('bimodal', 50_000, 11);
    data.slice(0, 25_003).forEach((x) => s.add(x));
    const w = new ByteWriter();
    s.write(w);
    const copy = QuantileSketch.read(new ByteReader(w.finish(), 'test'), {});
    data.slice(25_003).forEach((x) => {
      s.add(x);
      copy.add(x);
    });
    expect(copy.toWeightedSample()).toEqual(s.toWeightedSample());
    expect(copy.quantile(0.5)).toBe(s.quantile(0.5));
  });

  it('addAll of blocks gives the state add gives value by value, byte for byte', () => {
    const bytes = (s: QuantileSketch) => {
      const w = new ByteWriter();
      s.write(w);
      return Buffer.from(w.finish());
    };
    const r = new TestRandom(5);
    for (const [kind, exactLimit] of [
      ['normal', 1024],
      ['bimodal', 0],
      ['discrete', 64],
      ['lognormal', 1],
      ['sorted', 300],
    ] as const) {
      const data = stream(kind, 5_000 + r.int(5_000), 40 + exactLimit);
      const one = new QuantileSketch({ compression: 50, exactLimit });
      const blocks = new QuantileSketch({ compression: 50, exactLimit });
      for (let at = 0; at < data.length;) {
        // Blocks of every size: empty, single values, across the exact limit and the buffer's end.
        const size = Math.min(data.length - at, r.next() < 0.2 ? r.int(3) : r.int(700));
        const block = data.slice(at, at + size);
        block.forEach((x) => one.add(x));
        // A scratch array longer than the block: only its first `size` values are read.
        const scratch = new Float64Array(size + 3).fill(1e300);
        scratch.set(block);
        blocks.addAll(scratch, size);
        at += size;
        expect(bytes(blocks)).toEqual(bytes(one));
      }
      expect(blocks.toWeightedSample()).toEqual(one.toWeightedSample());
    }
  });

  it('rejects corrupt bytes', () => {
    const s = new QuantileSketch({ exactLimit: 0 });
    for (let i = 0; i < 1000; i++) s.add(i);
    const w = new ByteWriter();
    s.write(w);
    const bytes = w.finish();
    expect(() =>
      QuantileSketch.read(new ByteReader(bytes.slice(0, bytes.length - 3), 'sketch'), { exactLimit: 0 }),
    ).toThrow(/truncated/);
    const wrongCount = bytes.slice();
    wrongCount[0] ^= 1; // count varint
    expect(() => QuantileSketch.read(new ByteReader(wrongCount, 'sketch'), { exactLimit: 0 })).toThrow(
      /weights sum/,
    );
  });

  it('validates its options', () => {
    expect(() => new QuantileSketch({ compression: 2 })).toThrow(/compression must be an integer/);
    expect(() => new QuantileSketch({ exactLimit: -1 })).toThrow(/exactLimit/);
  });
});

describe('SpaceSaving', () => {
  it('counts exactly while under capacity', () => {
    const s = new SpaceSaving(5);
    ['a', 'b', 'a', 'c', 'a', 'b'].forEach((x) => s.add(x));
    expect(s.top()).toEqual([
      { value: 'a', count: 3, error: 0 },
      { value: 'b', count: 2, error: 0 },
      { value: 'c', count: 1, error: 0 },
    ]);
  });

  it('keeps every value above N / capacity and brackets its true count', () => {
    const r = new TestRandom(5);
    const truth = new Map<string, number>();
    const s = new SpaceSaving(20);
    for (let i = 0; i < 50_000; i++) {
      // Zipf-like: a few heavy values and a long tail of rare ones.
      const v = r.next() < 0.5 ? `heavy${r.int(5)}` : `tail${r.int(5000)}`;
      truth.set(v, (truth.get(v) ?? 0) + 1);
      s.add(v);
    }
    const top = s.top();
    for (const [v, c] of truth) {
      if (c > 50_000 / 20) expect(top.map((t) => t.value)).toContain(v);
    }
    for (const t of top) {
      const c = truth.get(t.value) ?? 0;
      expect(t.count).toBeGreaterThanOrEqual(c);
      expect(t.count - t.error).toBeLessThanOrEqual(c);
    }
  });

  it('merges: heavy hitters of the union survive and counts stay bracketed', () => {
    const a = new SpaceSaving(10);
    const b = new SpaceSaving(10);
    const truth = new Map<string, number>();
    const r = new TestRandom(9);
    for (let i = 0; i < 20_000; i++) {
      const v = r.next() < 0.4 ? `h${r.int(3)}` : `t${r.int(2000)}`;
      truth.set(v, (truth.get(v) ?? 0) + 1);
      (i % 2 ? a : b).add(v);
    }
    a.merge(b);
    expect(a.count).toBe(20_000);
    for (const t of a.top()) {
      const c = truth.get(t.value) ?? 0;
      expect(t.count).toBeGreaterThanOrEqual(c);
      expect(t.count - t.error).toBeLessThanOrEqual(c);
    }
    expect(
      a
        .top(3)
        .map((t) => t.value)
        .sort(),
    ).toEqual(['h0', 'h1', 'h2']);
  });

  it('serializes', () => {
    const s = new SpaceSaving(3);
    ['x', 'y', 'x', 'z', 'w', 'x'].forEach((v) => s.add(v));
    const w = new ByteWriter();
    s.write(w);
    expect(SpaceSaving.read(new ByteReader(w.finish(), 't'), 3).top()).toEqual(s.top());
  });

  it('estimate: exact 0 for an unseen value until full, then bounded by the smallest counter; toBytes round-trips', () => {
    const s = new SpaceSaving(3);
    for (const v of ['a', 'a', 'b']) s.add(v);
    expect(s.full).toBe(false);
    expect(s.estimate('z')).toEqual({ count: 0, error: 0 });
    expect(s.estimate('a')).toEqual({ count: 2, error: 0 });
    for (const v of ['c', 'd']) s.add(v);
    expect(s.full).toBe(true);
    // 'd' took over c's counter (1): its count is 2 with error 1; an unseen value is bounded by 1.
    expect(s.estimate('d')).toEqual({ count: 2, error: 1 });
    expect(s.estimate('z')).toEqual({ count: 1, error: 1 });
    const back = SpaceSaving.fromBytes(s.toBytes());
    expect(back.capacity).toBe(3);
    expect(back.count).toBe(s.count);
    expect(back.top()).toEqual(s.top());
    expect(() => SpaceSaving.fromBytes(new Uint8Array([0]))).toThrow(InvalidStateError);
  });
});
