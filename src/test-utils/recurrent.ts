import { expect } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import type { Backend } from '../backend/backend.js';
import { scope } from '../engine/engine.js';
import { setKerasMask } from '../layers/rnn/masking.js';
import type { RNN } from '../layers/rnn/rnn.js';
import { tensor } from '../ops/core.js';
import { add, mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { type Tensor, Variable } from '../tensor/tensor.js';
import { withoutFastPaths } from './assert.js';

/**
 * Test inputs by formula, so fixtures need only the outputs: 0.5·sin(seed + 1.3·i) as float32.
 * The golden snippets compute the same values with `np.float32(0.5 * np.sin(seed + 1.3 * np.arange(n)))`.
 *
 * @example
 * // const x = wave(24, 1); // Float32Array of 24 values in [-0.5, 0.5]
 */
export function wave(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(seed + 1.3 * i));
}

/**
 * A view of `backend` without the fused sequence fast path, so layers run the composed cell loop.
 *
 * @example
 * // withBackend(unfused(wasmBackend), () => layer.apply(x)) // runs cell.step per time step
 */
export function unfused(backend: Backend): Backend {
  return withoutFastPaths(backend, 'rnnSequence', 'rnnSequenceBackward');
}

/**
 * Expects every element within atol + rtol·|expected|.
 *
 * @example
 * // expectAll(tensor.dataSync(), GOLDEN.y, 'y');
 */
export function expectAll(
  actual: ArrayLike<number>,
  expected: readonly number[],
  label: string,
  tol = 2e-5,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (err > tol * (1 + Math.abs(expected[i]!)))
      expect.fail(
        `${label}[${i}]: got ${actual[i]}, expected ${expected[i]} (|diff| ${err.toExponential(2)})`,
      );
  }
}

/** What `layerGradients` returns: outputs, final states and the gradients of the test loss. */
export interface LayerRun {
  y: number[];
  h: number[];
  c: number[] | null;
  dx: number[];
  /** One gradient per layer weight, in Keras order (kernel, recurrent_kernel, bias). */
  dWeights: number[][];
}

/**
 * Runs a recurrent layer (returnSequences and returnState on) with the given weights on x, and
 * differentiates loss = Σ y·wave(·, 5) + Σ h·wave(·, 6) (+ Σ c·wave(·, 7)) w.r.t. x and every weight.
 *
 * @example
 * // const run = layerGradients(new LSTM(3, { returnSequences: true, returnState: true }), x, [2, 3, 4], [k, rk, b]);
 */
export function layerGradients(
  layer: RNN,
  x: Float32Array,
  xShape: number[],
  weights: Float32Array[],
  extra: { mask?: Tensor; training?: boolean } = {},
): LayerRun {
  return scope(() => {
    const xv = new Variable(tensor(x, xShape));
    if (extra.mask) setKerasMask(xv, extra.mask);
    if (!layer.built) layer.build([null, ...xShape.slice(1)]);
    for (const [i, w] of layer.weights.entries()) w.assign(tensor(weights[i]!, w.shape));
    let y = null as Tensor | null;
    let states: Tensor[] = [];
    const { grads } = valueAndGrads(() => {
      const out = layer.apply(xv, { training: extra.training ?? false });
      y = Array.isArray(out) ? out[0]! : out;
      states = layer.lastStates!;
      const terms = [y!, ...states].map((t, i) => sum(mul(t, tensor(wave(t.size, 5 + i), t.shape))));
      return terms.reduce((a, b) => add(a, b));
    }, [xv, ...layer.weights]);
    const arr = (t: Tensor) => Array.from(t.dataSync());
    return {
      y: arr(y!),
      h: arr(states[0]!),
      c: states[1] ? arr(states[1]) : null,
      dx: arr(grads[0]!),
      dWeights: grads.slice(1).map(arr),
    };
  });
}

/**
 * Expects two runs (e.g. fused and composed) to agree everywhere within `tol`.
 *
 * @example
 * // expectRunsClose(fusedRun, composedRun, 1e-5);
 */
export function expectRunsClose(a: LayerRun, b: LayerRun, tol: number): void {
  expectAll(a.y, b.y, 'y', tol);
  expectAll(a.h, b.h, 'h', tol);
  if (a.c || b.c) expectAll(a.c!, b.c!, 'c', tol);
  expectAll(a.dx, b.dx, 'dx', tol);
  for (const [i, g] of a.dWeights.entries()) expectAll(g, b.dWeights[i]!, `dWeight ${i}`, tol);
}
