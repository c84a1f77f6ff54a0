import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { Generator } from './generator.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i]! - mean) ** 2;
  return { mean, variance: sq / xs.length };
}

const N = 100_000;

describe('Generator', () => {
  it('matches the reference xoshiro128** C code, including jump()', () => {
    // Golden values from https://prng.di.unimi.it/xoshiro128starstar.c compiled with gcc:
    //   s = {1, 2, 3, 4}; print 6 × next(); jump(); print 6 × next();
    const g = Generator.fromState([1, 2, 3, 4]);
    const first = Array.from({ length: 6 }, () => g.nextUint32());
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    const child = g.fork(); // the child continues from here; the parent jumps 2^64 ahead
    const afterJump = Array.from({ length: 6 }, () => g.nextUint32());
    expect(afterJump).toEqual([2327035934, 1140626159, 913312880, 2049367984, 4290708443, 2568308862]);
    const reference = Generator.fromState([1, 2, 3, 4]);
    for (let i = 0; i < 6; i++) reference.nextUint32();
    expect(child.nextUint32()).toBe(reference.nextUint32());
  });

  it('is deterministic for equal seeds and differs for different seeds', () => {
    const a = new Generator(123).uniformArray(1000);
    const b = new Generator(123).uniformArray(1000);
    expect(a).toEqual(b);
    for (const other of [124, 0, -123, 2 ** 40 + 123, Number.MAX_SAFE_INTEGER]) {
      const c = new Generator(other).uniformArray(1000);
      let same = 0;
      for (let i = 0; i < 1000; i++) if (a[i] === c[i]) same++;
      expect(same, `seed ${other}`).toBeLessThan(5);
    }
    // Nearby seeds are decorrelated from the very first draw (xoshiro's first output reads one word).
    const firsts = Array.from({ length: 10_000 }, (_, seed) => new Generator(seed).uniform());
    expect(new Set(firsts).size).toBe(10_000);
    expect(Math.abs(moments(firsts).mean - 0.5)).toBeLessThan(0.015);
  });

  it('rejects non-integer seeds and bad states', () => {
    expect(() => new Generator(1.5)).toThrow(ValueError);
    expect(() => new Generator(Number.NaN)).toThrow(ValueError);
    expect(() => Generator.fromState([0, 0, 0, 0])).toThrow(ValueError);
    expect(() => Generator.fromState([1, 2])).toThrow(ValueError);
  });

  it('uniform() is in [0, 1) with mean 1/2 and variance 1/12', () => {
    const g = new Generator(1);
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) xs[i] = g.uniform();
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('uniformArray() respects [lo, hi) and has the right moments', () => {
    const xs = new Generator(2).uniformArray(N, -3, 5);
    expect(xs.every((x) => x >= -3 && x < 5)).toBe(true);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - 1)).toBeLessThan(0.04);
    expect(Math.abs(variance - 64 / 12) / (64 / 12)).toBeLessThan(0.02);
    expect(new Generator(2).uniformArray(3, 7, 7)).toEqual(new Float32Array([7, 7, 7]));
    expect(() => new Generator(2).uniformArray(3, 1, 0)).toThrow(ValueError);
    // A range so narrow that float32 rounding often lands on hi: values must still stay below it.
    const hi = Math.fround(1 + 2 ** -20);
    expect(new Generator(3).uniformArray(10_000, 1, hi).every((x) => x >= 1 && x < hi)).toBe(true);
  });

  it('normal() and normalArray() have mean 0 / variance 1, and share one stream', () => {
    const { mean, variance } = moments(new Generator(3).normalArray(N));
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    const scaled = moments(new Generator(4).normalArray(N, 10, 0.5));
    expect(Math.abs(scaled.mean - 10)).toBeLessThan(0.01);
    expect(Math.abs(scaled.variance - 0.25)).toBeLessThan(0.005);
    const g = new Generator(5);
    const one = Float32Array.from({ length: 7 }, () => g.normal());
    expect(new Generator(5).normalArray(7)).toEqual(one);
  });

  it('truncatedNormalArray() never goes beyond 2 std and has the truncated variance', () => {
    const mean = 0.25;
    const std = 0.1;
    const xs = new Generator(6).truncatedNormalArray(N, mean, std);
    const lo = Math.fround(mean - 2 * std);
    const hi = Math.fround(mean + 2 * std);
    expect(xs.every((x) => x >= lo && x <= hi)).toBe(true);
    const m = moments(xs);
    expect(Math.abs(m.mean - mean)).toBeLessThan(0.002);
    // The std of N(0, 1) truncated to [-2, 2] is 0.87962566103423978.
    expect(Math.abs(Math.sqrt(m.variance) / std - 0.8796256610342398)).toBeLessThan(0.01);
  });

  it('int(n) stays in range and is unbiased', () => {
    const g = new Generator(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[g.int(6)]++;
    // Chi-square with 5 degrees of freedom: 20.5 is the 0.999 quantile.
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(20.5);
    // With n = 3·2^30, `x % n` would make values below 2^30 twice as likely (1/2 instead of 1/3).
    let low = 0;
    for (let i = 0; i < 30_000; i++) if (g.int(3 * 2 ** 30) < 2 ** 30) low++;
    expect(Math.abs(low / 30_000 - 1 / 3)).toBeLessThan(0.02);
    expect(g.int(1)).toBe(0);
    expect(g.int(2 ** 32)).toBeLessThan(2 ** 32);
    expect(() => g.int(0)).toThrow(ValueError);
    expect(() => g.int(2.5)).toThrow(ValueError);
    expect(() => g.int(2 ** 32 + 1)).toThrow(ValueError);
  });

  it('permutation(n) is a permutation and shuffle() is uniform over orders', () => {
    const p = new Generator(8).permutation(1000);
    expect(p).toBeInstanceOf(Int32Array);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Generator(8).permutation(0)).toEqual(new Int32Array(0));
    const g = new Generator(9);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = g.shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const xs = new Float32Array([1, 2, 3, 4]);
    expect(g.shuffle(xs)).toBe(xs);
  });

  it('fork() is deterministic and gives streams independent of the parent and of each other', () => {
    const a = new Generator(10);
    const b = new Generator(10);
    const [a1, a2] = [a.fork(), a.fork()];
    const [b1, b2] = [b.fork(), b.fork()];
    expect(a1.uniformArray(100)).toEqual(b1.uniformArray(100));
    expect(a2.uniformArray(100)).toEqual(b2.uniformArray(100));
    const streams = [new Generator(10).fork(), new Generator(10)];
    streams[1]!.fork();
    streams.push(streams[1]!.fork(), streams[1]!);
    const draws = streams.map((g) => g.uniformArray(N));
    for (let i = 0; i < draws.length; i++) {
      for (let j = i + 1; j < draws.length; j++) {
        // Correlation of independent uniforms is ~N(0, 1/N): 0.02 is six standard deviations.
        const x = draws[i]!;
        const y = draws[j]!;
        let sxy = 0;
        for (let k = 0; k < N; k++) sxy += (x[k]! - 0.5) * (y[k]! - 0.5);
        expect(Math.abs((sxy / N) * 12)).toBeLessThan(0.02);
      }
    }
  });
});
