import { describe, expect, it } from 'vitest';
import { Dropout, setRandomSeed, tensor } from '../index.js';

describe('Dropout', () => {
  it('is the identity at inference and inverted dropout in training', () => {
    setRandomSeed(1);
    const layer = new Dropout(0.25);
    const x = tensor(new Float32Array(20_000).fill(1), [100, 200]);
    expect(layer.apply(x, { training: false })).toBe(x);
    const y = layer.apply(x, { training: true }).dataSync();
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(kept.length / y.length).toBeGreaterThan(0.73);
    expect(kept.length / y.length).toBeLessThan(0.77);
  });

  it('is reproducible with a seed and draws a fresh mask each call', () => {
    const x = tensor(new Float32Array(64).fill(1), [8, 8]);
    const a = new Dropout(0.5, { seed: 3 });
    const b = new Dropout(0.5, { seed: 3 });
    const first = a.apply(x, { training: true }).dataSync();
    expect(Array.from(b.apply(x, { training: true }).dataSync())).toEqual(Array.from(first));
    expect(Array.from(a.apply(x, { training: true }).dataSync())).not.toEqual(Array.from(first));
  });

  it('broadcasts the mask along noiseShape and validates the rate', () => {
    const layer = new Dropout(0.5, { noiseShape: [null, 1], seed: 1 });
    const y = layer
      .apply(tensor(new Float32Array(40).fill(1), [10, 4]), { training: true })
      .toArray() as number[][];
    for (const row of y) expect(new Set(row).size).toBe(1);
    expect(() => new Dropout(1)).toThrow(/rate must be a number in \[0, 1\)/);
    expect(Dropout.fromConfig(layer.getConfig()).getConfig()).toEqual(layer.getConfig());
  });
});
