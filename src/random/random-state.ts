import { ValueError } from '../errors.js';

/**
 * numpy's legacy `RandomState`: MT19937 with numpy's seeding and the exact algorithms numpy 1.x
 * uses for `random_sample`, `randint`, `shuffle`, `permutation`, `standard_normal` and `uniform`,
 * so a seed gives the same stream here as in Python (Keras' imdb shuffle, scikit-learn's splits).
 *
 * Porting Note: numpy/random/mtrand.pyx, _legacy_seeding in _mt19937.pyx, src/mt19937/mt19937.c,
 * src/distributions/distributions.c (random_interval, random_bounded_uint64_fill), legacy_gauss.
 */
const N = 624;
const M = 397;

/** One MT19937 generator state (Matsumoto & Nishimura). */
class MT19937 {
  readonly key = new Uint32Array(N);
  pos = N;

  /** init_genrand: what numpy's legacy seeding does for an integer seed. */
  seed(s: number): void {
    const mt = this.key;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  /** init_by_array: what numpy does for an array seed. */
  seedArray(keyArr: readonly number[]): void {
    const mt = this.key;
    this.seed(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, keyArr.length); k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1664525)) + keyArr[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= keyArr.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  private regenerate(): void {
    const mt = this.key;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  next32(): number {
    if (this.pos >= N) this.regenerate();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, as numpy's `legacy_double`. */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

type Shuffleable = { length: number; [i: number]: unknown };

/**
 * A seeded random generator that reproduces `numpy.random.RandomState` exactly.
 *
 * @example
 * import { RandomState } from 'tensile';
 * const rng = new RandomState(42);
 * // the same as np.random.RandomState(42).permutation(5)
 * console.log(rng.permutation(5)); // [1, 4, 2, 0, 3]
 */
export class RandomState {
  private readonly mt = new MT19937();
  private gauss: number | null = null;

  /** `seed`: an integer in [0, 2^32), an array of such integers, or nothing for an unpredictable seed. */
  constructor(seed?: number | readonly number[]) {
    if (seed === undefined) {
      const words = new Uint32Array(N);
      globalThis.crypto.getRandomValues(words);
      this.mt.seedArray([...words]);
      return;
    }
    const check = (s: number) => {
      if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
        throw new ValueError(`RandomState: seed must be an integer between 0 and 2**32 - 1, got ${s}`);
      }
    };
    if (typeof seed === 'number') {
      check(seed);
      this.mt.seed(seed);
    } else {
      if (seed.length === 0) throw new ValueError('RandomState: seed array must be non-empty');
      seed.forEach(check);
      this.mt.seedArray(seed);
    }
  }

  /** The next raw 32-bit output of MT19937, as numpy's `random_raw`/`tomaxint` building block. */
  nextUint32(): number {
    return this.mt.next32();
  }

  /** Floats in [0, 1), like `random_sample(size)`; one number when `size` is omitted. */
  randomSample(): number;
  randomSample(size: number): number[];
  randomSample(size?: number): number | number[] {
    if (size === undefined) return this.mt.nextDouble();
    return Array.from({ length: checkSize(size) }, () => this.mt.nextDouble());
  }

  /** Floats in [low, high), like `uniform(low, high, size)`. */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: number): number[];
  uniform(low = 0, high = 1, size?: number): number | number[] {
    const draw = () => low + (high - low) * this.mt.nextDouble();
    return size === undefined ? draw() : Array.from({ length: checkSize(size) }, draw);
  }

  /** Standard normal samples (numpy's legacy polar Box–Muller, which caches the second value). */
  standardNormal(): number;
  standardNormal(size: number): number[];
  standardNormal(size?: number): number | number[] {
    return size === undefined
      ? this.gaussOne()
      : Array.from({ length: checkSize(size) }, () => this.gaussOne());
  }

  /** Normal samples with mean `loc` and standard deviation `scale`, like `normal(loc, scale, size)`. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: number): number[];
  normal(loc = 0, scale = 1, size?: number): number | number[] {
    const draw = () => loc + scale * this.gaussOne();
    return size === undefined ? draw() : Array.from({ length: checkSize(size) }, draw);
  }

  /**
   * Integers in [low, high) — or [0, low) when `high` is omitted — like `randint` with numpy's default
   * int64 dtype: masked rejection sampling on 32-bit draws (64-bit draws for ranges past 2^32).
   */
  randint(low: number, high?: number): number;
  randint(low: number, high: number | undefined, size: number): number[];
  randint(low: number, high?: number, size?: number): number | number[] {
    if (high === undefined) [low, high] = [0, low];
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new ValueError(`randint: bounds must be safe integers, got ${low}, ${high}`);
    }
    if (low >= high) throw new ValueError(`randint: low >= high (${low} >= ${high})`);
    const range = high - 1 - low;
    const draw = () => low + this.bounded(range);
    return size === undefined ? draw() : Array.from({ length: checkSize(size) }, draw);
  }

  /** Shuffles an array or typed array in place (Fisher–Yates from the end, as numpy's legacy shuffle). */
  shuffle(x: Shuffleable): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.bounded(i); // numpy's random_interval(i)
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** A shuffled `[0, n)` when given a number, or a shuffled copy of an array, like `permutation`. */
  permutation(n: number): number[];
  permutation<T>(x: readonly T[]): T[];
  permutation<T>(x: number | readonly T[]): number[] | T[] {
    const arr = typeof x === 'number' ? Array.from({ length: checkSize(x) }, (_, i) => i) : [...x];
    this.shuffle(arr);
    return arr;
  }

  /** A value in [0, max] by masked rejection (random_interval and bounded_masked_uint64 agree). */
  private bounded(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = 0xffffffff >>> Math.clz32(max); // smallest all-ones mask ≥ max
      let v: number;
      do v = (this.mt.next32() & mask) >>> 0;
      while (v > max);
      return v;
    }
    const hiMask = 0xffffffff >>> Math.clz32(Math.floor(max / 0x100000000)); // max < 2^53
    let v: number;
    do {
      const hi = this.mt.next32() & hiMask;
      const lo = this.mt.next32();
      v = hi * 0x100000000 + lo;
    } while (v > max);
    return v;
  }

  private gaussOne(): number {
    if (this.gauss !== null) {
      const g = this.gauss;
      this.gauss = null;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.mt.nextDouble() - 1;
      x2 = 2 * this.mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    return f * x2;
  }
}

function checkSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0)
    throw new ValueError(`size must be a non-negative integer, got ${size}`);
  return size;
}
