import { InvalidArgumentError, InvalidStateError } from '../errors';

const N = 624;
const M = 397;

/**
 * CPython's `random.Random` generator (Mersenne Twister MT19937, Matsumoto & Nishimura 1998) with
 * CPython's integer seeding (`init_by_array` over the 32-bit words of |seed|) and its
 * `getrandbits`/`_randbelow`/`sample` algorithms, so that a KSWIN seeded with s draws exactly the
 * indices River's KSWIN(seed=s) draws. Internal to KSWIN.
 */
export class PythonRandom {
  private mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError(`seed must be a safe integer (got ${String(seed)})`);
    }
    const n = Math.abs(seed);
    const key = n === 0 ? [0] : [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 2 ** 32)) key.push(rest % 2 ** 32);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** Next 32-bit output (genrand_uint32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random.getrandbits(k)` for 0 <= k <= 32. */
  getRandBits(k: number): number {
    if (k === 0) return 0;
    return this.nextUint32() >>> (32 - k);
  }

  /** `random._randbelow(n)`: uniform integer in [0, n) by rejection on bit_length(n) bits. */
  randBelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getRandBits(k);
    while (r >= n) r = this.getRandBits(k);
    return r;
  }

  /** `random.sample(range(n), k)`: k distinct integers of [0, n) in selection order. */
  sampleRange(n: number, k: number): number[] {
    if (!(k >= 0 && k <= n)) throw new InvalidArgumentError(`sample larger than population (${k} of ${n})`);
    const result = new Array<number>(k);
    let setSize = 21;
    if (k > 5) setSize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setSize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randBelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randBelow(n);
        while (selected.has(j)) j = this.randBelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  getState(): number[] {
    return [...Array.from(this.mt), this.index];
  }

  static fromState(state: unknown): PythonRandom {
    if (
      !Array.isArray(state) ||
      state.length !== N + 1 ||
      state.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffffffff)
    ) {
      throw new InvalidStateError(`Mersenne Twister state must be ${N + 1} unsigned 32-bit integers`);
    }
    const r = new PythonRandom(0);
    r.mt.set(state.slice(0, N));
    r.index = state[N];
    if (r.index > N) throw new InvalidStateError(`Mersenne Twister index ${r.index} out of range`);
    return r;
  }
}
