import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { Orthogonal } from './orthogonal.js';

/** WᵀW for a row-major rows×cols W when columns are orthonormal, W·Wᵀ when rows are. */
function gram(w: Float32Array, rows: number, cols: number): number[][] {
  const byCols = rows >= cols;
  const k = byCols ? cols : rows;
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      if (byCols) for (let i = 0; i < rows; i++) s += w[i * cols + a]! * w[i * cols + b]!;
      else for (let j = 0; j < cols; j++) s += w[a * cols + j]! * w[b * cols + j]!;
      out[a]![b] = s;
    }
  }
  return out;
}

describe('Orthogonal', () => {
  it.each([
    ['square', [32, 32], 32, 32, 1],
    ['tall', [50, 8], 50, 8, 1],
    ['wide (LSTM recurrent kernel)', [8, 32], 8, 32, 1],
    ['rank 3, flattened to 12×5', [3, 4, 5], 12, 5, 1],
    ['square with gain', [16, 16], 16, 16, 2.5],
    ['wide with gain', [4, 10], 4, 10, 0.5],
  ])('%s: QᵀQ = gain²·I', (_, shape, rows, cols, gain) => {
    const w = new Orthogonal({ gain, seed: 7 }).generate(shape);
    expect(w.length).toBe(rows * cols);
    const g = gram(w, rows, cols);
    for (let a = 0; a < g.length; a++) {
      for (let b = 0; b < g.length; b++) {
        expect(Math.abs(g[a]![b]! - (a === b ? gain * gain : 0))).toBeLessThan(1e-5 * gain * gain);
      }
    }
  });

  it('is seeded, unbiased in sign, and has the Keras config', () => {
    const init = new Orthogonal({ seed: 3 });
    expect(init.generate([6, 6])).toEqual(new Orthogonal({ seed: 3 }).generate([6, 6]));
    expect(init.generate([6, 6])).not.toEqual(new Orthogonal({ seed: 4 }).generate([6, 6]));
    // Multiplying by sign(diag(R)) makes Q Haar-distributed: the diagonal has no sign preference.
    let positive = 0;
    for (let seed = 0; seed < 400; seed++) if (new Orthogonal({ seed }).generate([3, 3])[0]! > 0) positive++;
    expect(Math.abs(positive - 200)).toBeLessThan(40);
    expect(new Orthogonal({ gain: 2 }).getConfig()).toEqual({ seed: null, gain: 2 });
  });

  it('needs rank 2 or more', () => {
    expect(() => new Orthogonal().generate([5])).toThrow(ShapeError);
  });
});
