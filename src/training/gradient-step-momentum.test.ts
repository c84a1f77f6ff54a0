import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { withBackend } from '../backend/select.js';
import { MOMENTUM_IN_PRODUCT_MAX_ROWS } from '../backends/wasm/fused.js';
import { createWasmBackend } from '../backends/wasm/index.js';
import { NATIVE_MIN_MNK } from '../backends/wasm/native.js';
import { nativeAddon, nativeStatus } from '../backends/wasm/native-loader.js';
import { ThreadPool } from '../backends/wasm/pool.js';
import { POOL_KERNELS } from '../backends/wasm/threads.js';
import { Adam, Dense, type Optimizer, Sequential, SGD, setRandomSeed, tensor, Variable } from '../index.js';
import {
  data,
  expectIdentical,
  expectWeightsClose,
  type Run,
  sharedDense,
  type TrainOptions,
  train,
} from '../test-utils/in-place-training.js';

// fit folds SGD with momentum (plain and Nesterov) into the dense weight-gradient products at small
// batches (wasm denseGradMomentumStep): the gradient is never written out, w and its momentum slot are
// stepped in the same pass. These tests hold it to the separate step (TENSILE_STEP_IN_GEMM=0):
// weights and slots, the optimizer's step count, which variables the optimizer still steps, and
// where it must not happen.
const addon = nativeAddon();
const skipReason = addon ? '' : ` (skipped: native addon off, ${nativeStatus().reason})`;
const wasmOnly = createWasmBackend({ native: false });
const withAddon = createWasmBackend();
const threaded = createWasmBackend({ threads: 2, native: false });
afterAll(() => threaded.close());

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.TENSILE_STEP_IN_GEMM;
});

const KINDS: [string, () => Optimizer][] = [
  ['momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
  ['Nesterov', () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
];

/** Whether a dense layer [k → m] at n rows is stepped inside its product (the backend's rule). */
function folds(native: boolean, n: number, k: number, m: number): boolean {
  const goesNative = native && n * k * m >= NATIVE_MIN_MNK;
  return n <= MOMENTUM_IN_PRODUCT_MAX_ROWS[goesNative ? 'native' : 'wasm'];
}

/** A k → hidden → 10 MLP. */
const mlp = (k: number, hidden: number) => () =>
  new Sequential([
    new Dense(hidden, { activation: 'sigmoid', inputShape: [k] }),
    new Dense(10, { activation: 'softmax' }),
  ]);

/**
 * Variables the optimizer receives per step when `kernels` of the model's 2·kernels variables are
 * stepped in their products: all at the first step (a new kernel still shares its initializer's
 * storage, so the optimizer gives it its own copy), then the rest.
 */
const steppedWith = (steps: number, variables: number, kernels: number) => [
  variables,
  ...Array(steps - 1).fill(variables - kernels),
];

function expectSameStep(fused: Run, separate: Run) {
  expectWeightsClose(fused.weights, separate.weights, 1e-6);
  expectWeightsClose(fused.slots.flat(), separate.slots.flat(), 1e-6, 'momentum slot');
  expect(fused.slots.flat().length, 'one momentum slot per weight').toBe(fused.weights.length);
  expect(fused.iterations, 'the optimizer counted every step once').toBe(separate.iterations);
}

describe('SGD with momentum stepped inside the dense weight products', () => {
  for (const [kind, optimizer] of KINDS) {
    it(`${kind}, wasm products: weights and velocities of the separate step, 2 epochs at batch 4`, async () => {
      expect(folds(false, 4, 64, 32) && folds(false, 4, 32, 10), 'batch 4 is below the threshold').toBe(true);
      const opts: TrainOptions = { optimizer, batchSize: 4 };
      const fused = await train(wasmOnly, true, opts);
      const separate = await train(wasmOnly, false, opts);
      expect(separate.stepped).toEqual(Array(24).fill(4));
      expect(fused.stepped, 'both kernels stepped in their products').toEqual(steppedWith(24, 4, 2));
      expectSameStep(fused, separate);
      expect(fused.iterations).toBe(24);
      expect(fused.losses[1]).toBeLessThan(fused.losses[0]!);
    });

    it.skipIf(!addon)(
      `${kind}, with the native addon: each layer by its own threshold, same result${skipReason}`,
      async () => {
        // The 128 → 128 product goes native from 1 row on (NATIVE_MIN_MNK), the 128 → 10 one stays in wasm.
        for (const batch of [1, 2, MOMENTUM_IN_PRODUCT_MAX_ROWS.native + 1]) {
          const opts: TrainOptions = {
            optimizer,
            batchSize: batch,
            build: mlp(128, 128),
            features: 128,
            samples: 8 * batch,
          };
          const fused = await train(withAddon, true, opts);
          const separate = await train(withAddon, false, opts);
          const kernels = Number(folds(true, batch, 128, 128)) + Number(folds(true, batch, 128, 10));
          expect(fused.stepped, `batch ${batch}`).toEqual(steppedWith(16, 4, kernels));
          expectSameStep(fused, separate);
        }
      },
    );

    it(`${kind}, wasm-threads: the rows split between threads, same bits as one thread`, async () => {
      // 512 × 256 = 131072 weights: split (OPT_MIN_ELEMENTS).
      const opts: TrainOptions = {
        optimizer,
        batchSize: 2,
        build: mlp(512, 256),
        features: 512,
        samples: 16,
      };
      const spy = vi.spyOn(ThreadPool.prototype, 'run');
      const fused = await train(threaded, true, opts);
      const jobs = spy.mock.calls.filter(([op]) => POOL_KERNELS[op] === 'denseGradMomentumStep');
      expect(jobs.length, 'one split job per step after the first').toBe(15);
      expect(jobs[0]![1].length, 'chunks').toBeGreaterThan(1);
      spy.mockRestore();
      const single = await train(wasmOnly, true, opts);
      expectIdentical(fused.weights, single.weights);
      expectIdentical(fused.slots.flat(), single.slots.flat(), 'momentum slot');
      const separate = await train(threaded, false, opts);
      expect(fused.stepped).toEqual(steppedWith(16, 4, 2));
      expectSameStep(fused, separate);
    });
  }

  it('above the threshold leaves product and step as they were: same steps, same bits', async () => {
    const batch = MOMENTUM_IN_PRODUCT_MAX_ROWS.wasm + 1;
    const opts: TrainOptions = { optimizer: KINDS[1]![1], batchSize: batch, samples: 2 * batch };
    const fused = await train(wasmOnly, true, opts);
    const separate = await train(wasmOnly, false, opts);
    expect(fused.stepped).toEqual(Array(4).fill(4));
    expectIdentical(fused.weights, separate.weights);
    expectIdentical(fused.slots.flat(), separate.slots.flat(), 'momentum slot');
  });

  it("steps kernels in their products from a new optimizer's first step (its slots are built first)", async () => {
    const loss = 'sparse_categorical_crossentropy';
    const { model, x, y } = withBackend(wasmOnly, () => {
      setRandomSeed(5);
      const model = mlp(64, 32)();
      model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss });
      return { model, ...data(8, 64) };
    });
    process.env.TENSILE_STEP_IN_GEMM = '1';
    await model.fit(x, y, { batchSize: 4, epochs: 1, verbose: 0 }); // the kernels now own their storage
    model.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), loss });
    const stepped: number[] = [];
    const step = wasmOnly.optimizerStep!.bind(wasmOnly);
    vi.spyOn(wasmOnly, 'optimizerStep').mockImplementation((u, vars, grads, slots) => {
      stepped.push(vars.length);
      return step(u, vars, grads, slots);
    });
    await model.fit(x, y, { batchSize: 4, epochs: 1, verbose: 0 });
    expect(stepped, 'the optimizer got only the biases').toEqual([2, 2]);
  });

  it('leaves a kernel the tape uses twice (a shared layer) to the optimizer', async () => {
    const opts: TrainOptions = { optimizer: KINDS[1]![1], batchSize: 4, build: sharedDense };
    const fused = await train(wasmOnly, true, opts);
    const separate = await train(wasmOnly, false, opts);
    // 6 variables; the first and the last kernel are stepped in their products, the shared one not.
    expect(separate.stepped).toEqual(Array(24).fill(6));
    expect(fused.stepped).toEqual(steppedWith(24, 6, 2));
    expectSameStep(fused, separate);
  });

  it('is not used with clipping, weight decay or Adam: same steps, same bits', async () => {
    for (const optimizer of [
      () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipnorm: 1 }),
      () => new SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 }),
      () => new Adam({ learningRate: 0.01 }),
    ]) {
      const opts: TrainOptions = { optimizer, batchSize: 4 };
      const fused = await train(wasmOnly, true, opts);
      const separate = await train(wasmOnly, false, opts);
      // Clipping and weight decay run the composed step (no fused optimizerStep), Adam the fused one.
      expect(fused.stepped).toEqual(separate.stepped);
      expectIdentical(fused.weights, separate.weights);
      expectIdentical(fused.slots.flat(), separate.slots.flat(), 'momentum slot');
    }
  });
});

describe('Optimizer.inPlaceUpdate with momentum', () => {
  it("finds a weight's momentum slot once the slots are built", () => {
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const w = new Variable(tensor([1, 2, 3]));
    const rule = opt.inPlaceUpdate()!;
    expect(rule.velocityOf(w)).toBeUndefined();
    opt.build([w]);
    expect(rule.velocityOf(w)).toBe(opt.slotsOf(w)![0]);
  });
});
