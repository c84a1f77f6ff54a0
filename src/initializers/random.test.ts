import { describe, expect, it } from 'vitest';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
import { maxAbs, moments } from './test-utils/stats.js';

describe('RandomNormal / TruncatedNormal / RandomUniform', () => {
  it('use the Keras defaults', () => {
    expect(new RandomNormal().getConfig()).toEqual({ seed: null, mean: 0, stddev: 0.05 });
    expect(new TruncatedNormal().getConfig()).toEqual({ seed: null, mean: 0, stddev: 0.05 });
    expect(new RandomUniform().getConfig()).toEqual({ seed: null, minval: -0.05, maxval: 0.05 });
  });

  it('RandomNormal has the requested moments', () => {
    const m = moments(new RandomNormal({ mean: 1, stddev: 2, seed: 1 }).generate([300, 300]));
    expect(Math.abs(m.mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(m.variance) - 2)).toBeLessThan(0.02);
  });

  it('TruncatedNormal never leaves mean ± 2·stddev', () => {
    const w = new TruncatedNormal({ stddev: 0.05, seed: 1 }).generate([300, 300]);
    expect(maxAbs(w)).toBeLessThanOrEqual(Math.fround(0.1));
    expect(Math.abs(Math.sqrt(moments(w).variance) / 0.05 - 0.8796256610342398)).toBeLessThan(0.01);
  });

  it('RandomUniform stays in [minval, maxval)', () => {
    const w = new RandomUniform({ seed: 1 }).generate([300, 300]);
    expect(w.every((v) => v >= Math.fround(-0.05) && v < Math.fround(0.05))).toBe(true);
    const m = moments(w);
    expect(Math.abs(m.variance / (0.1 ** 2 / 12) - 1)).toBeLessThan(0.02);
  });

  it('are deterministic per seed', () => {
    for (const make of [
      (seed: number) => new RandomNormal({ seed }),
      (seed: number) => new TruncatedNormal({ seed }),
      (seed: number) => new RandomUniform({ seed }),
    ]) {
      expect(make(3).generate([5, 5])).toEqual(make(3).generate([5, 5]));
      expect(make(3).generate([5, 5])).not.toEqual(make(4).generate([5, 5]));
    }
  });
});
