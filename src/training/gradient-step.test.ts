import { afterEach, describe, expect, it, vi } from 'vitest';
import { withBackend } from '../backend/select.js';
import { tsBackend } from '../backends/ts/index.js';
import { createWasmBackend } from '../backends/wasm/index.js';
import { nativeAddon, nativeStatus } from '../backends/wasm/native-loader.js';
import { Adam, SGD, type Tensor, tensor } from '../index.js';
import { ExponentialDecay } from '../optimizers/schedules.js';
import { expectWeightsClose, sharedDense, train } from '../test-utils/in-place-training.js';

// fit folds a plain SGD step into the dense weight-gradient product when the native addon computes
// it (w += −lr·xᵀ·dz). These tests check it happens only where it is safe, and gives the step's result.
// (SGD with momentum: gradient-step-momentum.test.ts.)
const addon = nativeAddon();
const skipReason = addon ? '' : ` (skipped: native addon off, ${nativeStatus().reason})`;
const native = createWasmBackend();
const wasmOnly = createWasmBackend({ native: false });

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.TENSILE_STEP_IN_GEMM;
});

describe('plain SGD stepped inside the dense weight products', () => {
  it.skipIf(!addon)(
    `updates the natively computed kernel in place and gives the separate step's result${skipReason}`,
    async () => {
      const fused = await train(native, true);
      const separate = await train(native, false);
      // 4 variables: kernel 1 (fused), bias 1, kernel 2 (its product stays in wasm), bias 2. At the
      // first step the new kernel still shares its initializer's storage, so the optimizer (which
      // gives it its own copy) steps it; from then on its product does.
      expect(separate.stepped).toEqual(Array(6).fill(4));
      expect(fused.stepped, 'the first kernel was not handed to the optimizer step').toEqual([
        4, 3, 3, 3, 3, 3,
      ]);
      expectWeightsClose(fused.weights, separate.weights, 1e-6);
      expect(fused.losses[1]).toBeLessThan(fused.losses[0]!);
    },
  );

  it.skipIf(!addon)(`matches the float64 reference backend${skipReason}`, async () => {
    const fused = await train(native, true);
    const reference = await train(tsBackend, true);
    expectWeightsClose(fused.weights, reference.weights, 2e-5);
  });

  it.skipIf(!addon)(
    `leaves a kernel the tape uses twice (a shared layer) to the optimizer${skipReason}`,
    async () => {
      const fused = await train(native, true, { build: sharedDense });
      const separate = await train(native, false, { build: sharedDense });
      // 6 variables. The first and the shared kernel's products go native (64·64·16), the last's
      // (64·10·16) stays in wasm; only the first kernel is stepped in its product.
      expect(separate.stepped).toEqual(Array(6).fill(6));
      expect(fused.stepped).toEqual([6, 5, 5, 5, 5, 5]); // the first step: as above
      expectWeightsClose(fused.weights, separate.weights, 1e-6);
    },
  );

  it.skipIf(!addon)(`never writes into storage another tensor shares${skipReason}`, async () => {
    let source: number[] = [];
    let kept: Tensor | null = null;
    const fused = await train(native, true, {
      before: (m) => {
        const kernel = m.weights[0]!;
        const t = withBackend(native, () => tensor(kernel.dataSync(), kernel.shape));
        kernel.assign(t); // t and the kernel now share storage
        source = Array.from(t.dataSync());
        kept = t;
      },
    });
    expect(Array.from(kept!.dataSync()), 'the assigned tensor changed').toEqual(source);
    const separate = await train(native, false);
    expectWeightsClose(fused.weights, separate.weights, 1e-6);
  });

  it('is declined where the products stay in wasm: same steps, same bits', async () => {
    const fused = await train(wasmOnly, true);
    const separate = await train(wasmOnly, false);
    expect(fused.stepped).toEqual(Array(6).fill(4));
    expect(fused.weights).toEqual(separate.weights);
  });

  it.skipIf(!addon)(`is not used for Adam, clipping or weight decay${skipReason}`, async () => {
    for (const optimizer of [
      () => new Adam({ learningRate: 0.01 }),
      () => new SGD({ learningRate: 0.1, clipnorm: 1 }),
      () => new SGD({ learningRate: 0.1, weightDecay: 0.01 }),
    ]) {
      const fused = await train(native, true, { optimizer });
      const separate = await train(native, false, { optimizer });
      expect(fused.weights).toEqual(separate.weights);
    }
  });
});

describe('Optimizer.inPlaceUpdate', () => {
  it('is the rate and momentum of an SGD step, following a schedule, and null otherwise', () => {
    expect(new SGD().inPlaceUpdate()).toMatchObject({ lr: 0.01, momentum: 0, nesterov: false });
    const nesterov = new SGD({ learningRate: 0.05, momentum: 0.5, nesterov: true });
    expect(nesterov.inPlaceUpdate()).toMatchObject({ lr: 0.05, momentum: 0.5, nesterov: true });
    const schedule = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const scheduled = new SGD({ learningRate: schedule });
    scheduled.iterations = 2;
    expect(scheduled.inPlaceUpdate()!.lr).toBeCloseTo(0.025, 7);
    expect(new SGD({ momentum: 0.5, clipnorm: 1 }).inPlaceUpdate()).toBeNull();
    expect(new SGD({ clipvalue: 1 }).inPlaceUpdate()).toBeNull();
    expect(new SGD({ globalClipnorm: 1 }).inPlaceUpdate()).toBeNull();
    expect(new SGD({ weightDecay: 0.1 }).inPlaceUpdate()).toBeNull();
    expect(new Adam().inPlaceUpdate()).toBeNull();
  });
});
