import { expect, vi } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { withBackend } from '../backend/select.js';
import { Dense, Input, Model, type Optimizer, Sequential, SGD, setRandomSeed, tensor } from '../index.js';

// Training runs for the tests of the SGD step folded into dense's weight-gradient products
// (src/training/gradient-step*.test.ts): the same model trained with the fold on and off.

export const data = (n: number, k: number) => ({
  x: tensor(
    Float32Array.from({ length: n * k }, (_, i) => Math.sin(i * 0.37)),
    [n, k],
  ),
  y: tensor(
    Int32Array.from({ length: n }, (_, i) => (i * 7) % 10),
    [n],
  ),
});

/** A 64 → 32 → 10 MLP: at batch 16 the first weight product (64·32·16) goes native, the second (32·10·16) stays in wasm. */
export const mlp = () =>
  new Sequential([
    new Dense(32, { activation: 'sigmoid', inputShape: [64] }),
    new Dense(10, { activation: 'softmax' }),
  ]);

/** The same 64 → 64 Dense applied twice: its kernel is used twice on the tape. */
export function sharedDense() {
  const input = Input({ shape: [64] });
  const first = new Dense(64, { activation: 'tanh' }).apply(input);
  const shared = new Dense(64, { activation: 'tanh' });
  const output = new Dense(10, { activation: 'softmax' }).apply(shared.apply(shared.apply(first)));
  return new Model({ inputs: input, outputs: output });
}

export interface Run {
  weights: number[][];
  /** Each weight's optimizer slots, in order (empty without momentum). */
  slots: number[][][];
  /** How many variables each fused optimizer step received. */
  stepped: number[];
  losses: number[];
  iterations: number;
}

export interface TrainOptions {
  build?: () => Sequential | Model;
  optimizer?: () => Optimizer;
  before?: (m: Sequential | Model) => void;
  /** Default 16 (48 samples: 3 steps per epoch). */
  batchSize?: number;
  /** Input features of the data (default 64, the models' input). */
  features?: number;
  /** Training samples (default 48). */
  samples?: number;
}

/** Two epochs of `fit` (48 samples unless told) with TENSILE_STEP_IN_GEMM on or off. */
export async function train(backend: Backend, stepInGemm: boolean, opts: TrainOptions = {}): Promise<Run> {
  process.env.TENSILE_STEP_IN_GEMM = stepInGemm ? '1' : '0';
  const { model, optimizer, x, y } = withBackend(backend, () => {
    setRandomSeed(11);
    const model = (opts.build ?? mlp)();
    const optimizer = (opts.optimizer ?? (() => new SGD({ learningRate: 0.1 })))();
    model.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
    return { model, optimizer, ...data(opts.samples ?? 48, opts.features ?? 64) };
  });
  opts.before?.(model);
  const stepped: number[] = [];
  if (backend.optimizerStep) {
    const step = backend.optimizerStep.bind(backend);
    vi.spyOn(backend, 'optimizerStep').mockImplementation((u, vars, grads, slots) => {
      stepped.push(vars.length);
      return step(u, vars, grads, slots);
    });
  }
  const batchSize = opts.batchSize ?? 16;
  const h = await model.fit(x, y, { batchSize, epochs: 2, shuffle: false, verbose: 0 });
  vi.restoreAllMocks();
  const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());
  return {
    weights: model.weights.map(values),
    slots: model.weights.map((w) => (optimizer.slotsOf(w as never) ?? []).map(values)),
    stepped,
    losses: h.history.loss!,
    iterations: optimizer.iterations,
  };
}

/** Each array within `tol` of its counterpart, element by element (absolute). */
export function expectWeightsClose(got: number[][], want: number[][], tol: number, what = 'weight') {
  expect(got.length).toBe(want.length);
  got.forEach((w, i) => {
    expect(w.length).toBe(want[i]!.length);
    const worst = w.reduce((m, v, j) => Math.max(m, Math.abs(v - want[i]![j]!)), 0);
    expect(worst, `${what} ${i}: largest difference`).toBeLessThanOrEqual(tol);
  });
}

/**
 * Bit-identical arrays (also the sign of zero), reported by the first difference: vitest's diff of
 * arrays of 100k values takes minutes.
 */
export function expectIdentical(got: number[][], want: number[][], what = 'weight') {
  expect(got.length).toBe(want.length);
  got.forEach((a, i) => {
    const b = want[i]!;
    const at = a.length === b.length ? a.findIndex((v, j) => !Object.is(v, b[j])) : 0;
    expect(at < 0 ? null : { at, got: a[at], want: b[at] }, `${what} ${i}: first difference`).toBeNull();
  });
}
