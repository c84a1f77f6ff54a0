import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import { withBackend } from '../../backend/select.js';
import { scope } from '../../engine/engine.js';
import { dense, matmul, mean, softmaxCrossEntropy, tensor } from '../../ops/index.js';
import { Variable } from '../../tensor/tensor.js';
import { tsBackend } from '../ts/index.js';
import { createWasmBackend } from './index.js';
import { rand } from './test-utils/parity.js';

describe('wasm backend memory', () => {
  it('500 dense forward/backward steps inside scope() keep heapBytes flat', () => {
    const wasm = createWasmBackend();
    withBackend(wasm, () => {
      const x = new Variable(tensor(rand(32 * 20, 1), [32, 20]));
      const labels = new Variable(tensor(rand(32 * 10, 2, 0, 1), [32, 10]));
      const w1 = new Variable(tensor(rand(20 * 16, 3, -0.3, 0.3), [20, 16]));
      const b1 = new Variable(tensor(rand(16, 4), [16]));
      const w2 = new Variable(tensor(rand(16 * 10, 5, -0.3, 0.3), [16, 10]));
      const step = () =>
        scope(() => {
          const { value, grads } = valueAndGrads(
            () => mean(softmaxCrossEntropy(dense(dense(x, w1, b1, 'tanh'), w2, null, 'linear'), labels)),
            [w1, b1, w2],
          );
          // Read results the way a training loop does (forces every kernel to run to completion).
          return value.item() + grads.reduce((s, g) => s + g.dataSync()[0]!, 0);
        });
      for (let i = 0; i < 10; i++) step();
      const baseline = wasm.heapBytes();
      expect(baseline).toBeGreaterThan(0); // the variables
      for (let i = 0; i < 500; i++) {
        step();
        if (i % 100 === 0) expect(wasm.heapBytes()).toBe(baseline);
      }
      expect(wasm.heapBytes()).toBe(baseline);
    });
  });

  it('computes correctly across memory growth in the middle of an op', () => {
    const wasm = createWasmBackend();
    const a = rand(300 * 64, 7);
    const b = rand(64 * 3000, 8);
    const expected = withBackend(tsBackend, () =>
      matmul(tensor(a, [300, 64]), tensor(b, [64, 3000])).dataSync(),
    );
    // The 3.6 MB output does not fit the initial memory: the inputs' views are re-derived after growth.
    const actual = withBackend(wasm, () => matmul(tensor(a, [300, 64]), tensor(b, [64, 3000])).dataSync());
    let worst = 0;
    expected.forEach((e, i) => {
      worst = Math.max(worst, Math.abs(actual[i]! - e));
    });
    expect(worst).toBeLessThan(1e-4);
  });

  it('hands out copies through dataSync, so later ops cannot change values already read', () => {
    const wasm = createWasmBackend();
    withBackend(wasm, () => {
      const t = tensor([1, 2, 3]);
      const values = t.dataSync();
      t.dispose();
      tensor([9, 9, 9]); // reuses the freed block
      expect(Array.from(values)).toEqual([1, 2, 3]);
    });
  });
});
