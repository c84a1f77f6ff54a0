import { describe, expect, it } from 'vitest';
import { wasmBackend } from '../backends/wasm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { on } from '../test-utils/backends.js';
import { expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import { composedPatches, extractPatches } from './conv.js';
import { type ConvPadding, convGeometry } from './conv-geometry.js';
import { tensor } from './core.js';
import { composedMaxPool, maxPool2d } from './pool.js';

// The fused window kernels (wasm im2col / col2im / maxPool / maxPoolBackward) against the composed
// pad + gather (+ argmax) chains they replace: same values on the same backend, and gradients that
// match the float64 reference backend (which has no fused kernels, so it runs the composition).

interface Case {
  readonly shape: [number, number, number, number];
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly dilation: [number, number];
  readonly padding: ConvPadding;
}

const CASES: Case[] = [
  { shape: [2, 5, 6, 1], kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same' },
  { shape: [1, 7, 5, 3], kernel: [2, 3], strides: [2, 1], dilation: [1, 1], padding: 'valid' },
  { shape: [2, 6, 6, 8], kernel: [3, 2], strides: [1, 2], dilation: [2, 1], padding: 'same' },
  { shape: [1, 1, 9, 5], kernel: [1, 3], strides: [1, 1], dilation: [1, 2], padding: 'causal' },
];

const randomInput = (shape: readonly number[], seed: number) =>
  Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, i) => Math.sin(i * 12.9898 + seed) * 3);

const values = (t: Tensor) => Array.from(t.dataSync());

describe('fused window kernels', () => {
  it('the wasm backend has both pairs', () => {
    expect(typeof wasmBackend.im2col).toBe('function');
    expect(typeof wasmBackend.col2im).toBe('function');
    expect(typeof wasmBackend.maxPool).toBe('function');
    expect(typeof wasmBackend.maxPoolBackward).toBe('function');
  });

  for (const c of CASES) {
    const name = `${c.shape.join('×')} kernel ${c.kernel} strides ${c.strides} dilation ${c.dilation} ${c.padding}`;
    const g = convGeometry('test', c.shape, c);

    it(`im2col equals the composed patches: ${name}`, () => {
      on(wasmBackend, () => {
        const x = tensor(randomInput(c.shape, 1), c.shape);
        for (const padValue of [0, Number.NEGATIVE_INFINITY]) {
          const fused = extractPatches(x, g, padValue);
          const composed = composedPatches(x, g, padValue);
          expect(fused.shape).toEqual(composed.shape);
          expect(values(fused)).toEqual(values(composed));
        }
      });
    });

    it(`col2im gradient matches the float64 reference: ${name}`, () => {
      expectGradientsMatchReference(wasmBackend, (x) => extractPatches(x!, g), [{ shape: c.shape }]);
    });

    if (c.padding === 'causal') continue;
    const pool = { shape: c.shape, poolSize: c.kernel, strides: c.strides, padding: c.padding };
    const pg = convGeometry('test', c.shape, { kernel: c.kernel, strides: c.strides, padding: c.padding });

    it(`maxPool equals the composed max pooling: ${name}`, () => {
      on(wasmBackend, () => {
        const x = tensor(randomInput(c.shape, 2), c.shape);
        expect(values(maxPool2d(x, pool))).toEqual(values(composedMaxPool(x, pg)));
      });
    });

    it(`maxPoolBackward matches the float64 reference: ${name}`, () => {
      expectGradientsMatchReference(wasmBackend, (x) => maxPool2d(x!, pool), [{ shape: c.shape }]);
    });
  }

  it('max pooling sends a tied window’s gradient to its first maximum, as the composed path does', () => {
    // One 2×2 window, all four cells equal: only the first (top-left) gets dy.
    expectGradientsMatchReference(wasmBackend, (x) => maxPool2d(x!, { poolSize: 2 }), [
      { shape: [1, 2, 2, 2], values: [1, 1, 1, 1, 1, 1, 1, 1] },
    ]);
  });

  it('vectorised max pooling keeps the scalar rule for ties, NaN and -Infinity (4 channels per vector)', () => {
    // Taps in order (0,0) (0,1) (1,0) (1,1); channels: tie, NaN later, NaN first, all -Infinity, then a
    // fifth channel on the scalar tail with a NaN later. A NaN wins, as argmax (and PyTorch) pick it.
    const N = Number.NaN;
    const I = Number.NEGATIVE_INFINITY;
    const taps = [
      [2, 1, N, I, 1],
      [2, N, 5, I, N],
      [2, 3, 7, I, 0],
      [1, 0, 9, I, 4],
    ];
    const x = tensor(taps.flat(), [1, 2, 2, 5]);
    const pg = convGeometry('maxPool2d', x.shape, { kernel: [2, 2], strides: [2, 2] });
    expect(values(maxPool2d(x, { poolSize: 2 }))).toEqual(values(composedMaxPool(x, pg)));
    expect(values(maxPool2d(x, { poolSize: 2 }))).toEqual([2, N, N, I, N]);
    const finite = [
      [1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 1, 1],
    ].flat();
    expectGradientsMatchReference(wasmBackend, (t) => maxPool2d(t!, { poolSize: 2 }), [
      { shape: [1, 2, 2, 4], values: finite },
    ]);
  });
});
