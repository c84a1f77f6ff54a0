import { ValueError } from '../errors.js';

/**
 * Why xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c):
 * - every step is 32-bit integer arithmetic (`Math.imul`, shifts, xors), which JS engines run at native
 *   speed; 64-bit generators (PCG64, xoshiro256, Philox's 32×32→64 products) need BigInt or
 *   16-bit splitting in JS and are several times slower;
 * - 128 bits of state, period 2^128 − 1, passes BigCrush and PractRand;
 * - it has a `jump()` that advances the state by 2^64 steps, so `fork()` hands out provably
 *   non-overlapping streams instead of relying on hashed seeds not colliding. sfc32 is as fast but has
 *   no jump; Philox is counter-based (trivial forks) but needs 64-bit products.
 *
 * Porting note: `nextUint32` and `jump` follow the reference C code; the golden values in
 * generator.test.ts came from compiling it.
 */
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
const TWO_POW_32 = 4294967296;
const TWO_POW_NEG_24 = 1 / 16777216;
const TWO_POW_NEG_53 = 1 / 9007199254740992;

/**
 * A typed array or plain array whose elements can be swapped in place.
 *
 * @example
 * import { Generator } from 'tensile';
 * const xs = new Generator(1).shuffle(new Float32Array([1, 2, 3]));
 * console.log(xs.length); // 3
 */
export type MutableArrayLike = { length: number; [index: number]: unknown };

/** murmur3's finalizer: a bijection on uint32 that spreads every input bit over the output. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A fast, seedable pseudo-random generator (xoshiro128**). Equal seeds give equal streams on every
 * platform; `fork()` derives independent child streams deterministically.
 *
 * @example
 * import { Generator } from 'tensile';
 * const g = new Generator(42);
 * const w = g.normalArray(6, 0, 0.05); // Float32Array of 6 draws from N(0, 0.05²)
 * console.log(w.length, g.int(10) < 10); // 6 true
 */
export class Generator {
  /** The 128-bit state; an Int32Array keeps the words unboxed in V8. */
  private readonly s = new Int32Array(4);
  /** The second value of the last Marsaglia polar pair, served by the next normal draw. */
  private spare = 0;
  /** Kept apart from `spare` so the field stays a plain double (no boxing on each store). */
  private hasSpare = false;

  /**
   * Seeds the generator from any safe integer (negative values included).
   *
   * @example
   * import { Generator } from 'tensile';
   * console.log(new Generator(7).uniform() === new Generator(7).uniform()); // true
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed))
      throw new ValueError(`Generator: seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // (s0, s1) is a bijection of the 64-bit seed (s0 gives lo back, then s1 gives hi), so different
    // seeds always give different states; both words depend on lo because xoshiro's first output is
    // a function of s1 alone. If s0 = s1 = 0 then s2 = mix32(0x6a09e667) ≠ 0: never the zero state.
    const s0 = mix32((lo + 0x9e3779b9) >>> 0);
    const s1 = mix32((hi ^ s0 ^ 0x7f4a7c15) >>> 0);
    this.s[0] = s0;
    this.s[1] = s1;
    this.s[2] = mix32(((s1 ^ ((s0 << 13) | (s0 >>> 19))) + 0x6a09e667) >>> 0);
    this.s[3] = mix32((s0 + Math.imul(s1, 0x2545f491) + 0x3c6ef372) >>> 0);
  }

  /**
   * A generator whose state is the four given 32-bit words (not all zero), e.g. from a CSPRNG.
   *
   * @example
   * import { Generator } from 'tensile';
   * const g = Generator.fromState([1, 2, 3, 4]);
   * console.log(g.nextUint32()); // 11520
   */
  static fromState(words: ArrayLike<number>): Generator {
    if (words.length !== 4)
      throw new ValueError(`Generator.fromState: expected 4 words, got ${words.length}`);
    const g = new Generator(0);
    for (let i = 0; i < 4; i++) g.s[i] = words[i]! | 0;
    if ((g.s[0]! | g.s[1]! | g.s[2]! | g.s[3]!) === 0) {
      throw new ValueError('Generator.fromState: the all-zero state is not allowed');
    }
    return g;
  }

  /**
   * The four 32-bit state words, for `Generator.fromState` (a pending cached normal is not included),
   * e.g. to save a training run's random stream with its checkpoint.
   *
   * @example
   * import { Generator } from 'tensile';
   * const g = new Generator(5);
   * const copy = Generator.fromState(g.state());
   * console.log(copy.nextUint32() === g.nextUint32()); // true
   */
  state(): number[] {
    return Array.from(this.s);
  }

  /**
   * The next raw 32-bit output, an integer in [0, 2^32).
   *
   * @example
   * import { Generator } from 'tensile';
   * const x = new Generator(1).nextUint32();
   * console.log(Number.isInteger(x) && x >= 0 && x < 2 ** 32); // true
   */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const s2 = s[2]! ^ s0;
    const s3 = s[3]! ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * A float64 uniform in [0, 1) with 53 random bits (two raw draws).
   *
   * @example
   * import { Generator } from 'tensile';
   * const u = new Generator(3).uniform();
   * console.log(u >= 0 && u < 1); // true
   */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_NEG_53;
  }

  /**
   * `n` float32 uniforms in [lo, hi) (one raw draw each: 24 bits, a float32's full precision).
   *
   * @example
   * import { Generator } from 'tensile';
   * const x = new Generator(0).uniformArray(1000, -1, 1);
   * console.log(x.every((v) => v >= -1 && v < 1)); // true
   */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    checkCount('uniformArray', n);
    if (!(lo <= hi) || !Number.isFinite(hi - lo)) {
      throw new ValueError(`uniformArray: need finite lo <= hi, got lo=${lo}, hi=${hi}`);
    }
    const out = new Float32Array(n);
    if (lo === hi) return out.fill(lo);
    const width = hi - lo;
    for (let i = 0; i < n; i++) {
      let v: number;
      // Rounding to float32 can land exactly on `hi`; redrawing keeps the interval half-open and the
      // distribution uniform (this happens for about one draw in 2^24).
      do v = Math.fround(lo + width * ((this.nextUint32() >>> 8) * TWO_POW_NEG_24));
      while (v >= hi);
      out[i] = v;
    }
    return out;
  }

  /**
   * A float64 standard normal draw (Marsaglia polar method; the pair's second value is cached).
   *
   * @example
   * import { Generator } from 'tensile';
   * const z = new Generator(5).normal();
   * console.log(Number.isFinite(z)); // true
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // Polar rather than Box–Muller: no sin/cos, and the ~21% rejection costs less than the trig.
    // Each coordinate uses one raw draw: 32 bits is finer than float32 output needs.
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.nextUint32() * (2 / TWO_POW_32) - 1;
      v = this.nextUint32() * (2 / TWO_POW_32) - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /**
   * `n` float32 draws from N(mean, std²); the same stream as `n` calls of `normal()`.
   *
   * @example
   * import { Generator } from 'tensile';
   * const x = new Generator(9).normalArray(4, 10, 0.5);
   * console.log(x.length); // 4
   */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    checkCount('normalArray', n);
    checkStd('normalArray', std);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * `n` float32 draws from N(mean, std²) where draws more than 2·std from the mean are redrawn, as
   * Keras' `random.truncated_normal` does (the result's std is about 0.88·std).
   *
   * @example
   * import { Generator } from 'tensile';
   * const x = new Generator(2).truncatedNormalArray(1000, 0, 1);
   * console.log(x.every((v) => Math.abs(v) <= 2)); // true
   */
  truncatedNormalArray(n: number, mean = 0, std = 1): Float32Array {
    checkCount('truncatedNormalArray', n);
    checkStd('truncatedNormalArray', std);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let z: number;
      do z = this.normal();
      while (z > 2 || z < -2);
      out[i] = mean + std * z;
    }
    return out;
  }

  /**
   * An unbiased integer in [0, n) for 1 <= n <= 2^32 (rejection sampling, never `x % n` bias).
   *
   * @example
   * import { Generator } from 'tensile';
   * const die = new Generator(4).int(6) + 1;
   * console.log(die >= 1 && die <= 6); // true
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new ValueError(`int: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Accept x below the largest multiple of n that fits in 32 bits; x % n is then exactly uniform.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /**
   * Shuffles `array` in place (Fisher–Yates, from the end) and returns it.
   *
   * @example
   * import { Generator } from 'tensile';
   * const xs = new Generator(8).shuffle([1, 2, 3, 4, 5]);
   * console.log([...xs].sort().join()); // 1,2,3,4,5
   */
  shuffle<T extends MutableArrayLike>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * A random permutation of 0..n-1.
   *
   * @example
   * import { Generator } from 'tensile';
   * const p = new Generator(6).permutation(4);
   * console.log([...p].sort().join()); // 0,1,2,3
   */
  permutation(n: number): Int32Array {
    checkCount('permutation', n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /**
   * A child generator with its own stream: the child takes the current state and this generator
   * jumps 2^64 steps ahead, so neither overlaps the other for 2^64 draws. Deterministic.
   *
   * @example
   * import { Generator } from 'tensile';
   * const parent = new Generator(1);
   * const child = parent.fork();
   * console.log(child.nextUint32() !== parent.nextUint32()); // true
   */
  fork(): Generator {
    const child = Generator.fromState(this.s);
    this.jump();
    return child;
  }

  /** Advances the state by 2^64 steps (the reference `jump()`); clears the cached normal. */
  private jump(): void {
    let j0 = 0;
    let j1 = 0;
    let j2 = 0;
    let j3 = 0;
    const s = this.s;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          j0 ^= s[0]!;
          j1 ^= s[1]!;
          j2 ^= s[2]!;
          j3 ^= s[3]!;
        }
        this.nextUint32();
      }
    }
    s[0] = j0;
    s[1] = j1;
    s[2] = j2;
    s[3] = j3;
    this.hasSpare = false;
  }
}

function checkCount(op: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ValueError(`${op}: n must be a non-negative integer, got ${n}`);
}

function checkStd(op: string, std: number): void {
  if (!(std >= 0) || !Number.isFinite(std))
    throw new ValueError(`${op}: std must be finite and >= 0, got ${std}`);
}
