import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import type { FusedActivation } from '../../backend/backend.js';
import { conv2d } from '../../ops/conv.js';
import { tensor } from '../../ops/core.js';
import { reshape } from '../../ops/layout.js';
import { sum } from '../../ops/reduce.js';
import { type Tensor, Variable } from '../../tensor/tensor.js';
import { expectClose, withoutFastPaths } from '../../test-utils/assert.js';
import { on } from '../../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../../test-utils/gradcheck.js';
import { tsBackend } from '../ts/index.js';
import { createWasmBackend } from './index.js';

// Winograd runs only where products stay on the wasm GEMM, so these tests use backends without the
// native addon, on one thread and on two (whose threads share the blocks of tiles); `im2col` is the
// same backend with the whole-convolution fast path hidden.
const threaded = createWasmBackend({ threads: 2, native: false });
afterAll(() => threaded.close());

// golden: PyTorch 1.13 (float64), NHWC in and out:
//   def case(n, h, w, c, f, padding, act):
//       x = np.sin(0.7 * np.arange(n * h * w * c)).reshape(n, h, w, c)
//       k = np.cos(0.3 * np.arange(9 * c * f)).reshape(3, 3, c, f)
//       b = 0.1 * (np.arange(f) - 1.5)
//       y = F.conv2d(torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(k).permute(3, 2, 0, 1),
//                    torch.tensor(b), padding=1 if padding == 'same' else 0)
//       if act == 'relu': y = torch.relu(y)
//       return y.permute(0, 2, 3, 1).numpy().round(5).flatten().tolist()
//   print('same_odd', case(1, 5, 3, 8, 4, 'same', 'relu'))   # batch 1, odd H and W: partial tiles
//   print('valid', case(2, 6, 5, 8, 4, 'valid', 'linear'))   # odd output width
// biome-ignore format: golden values
const GOLDEN = {
  same_odd: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.48713, 2.58563, 2.44869, 2.09748, 0.82517, 2.14351, 3.2659, 4.10103, 0.0, 0.0, 0.0, 0.12825, 0.0, 0.0, 0.0, 0.0, 2.73649, 1.91719, 0.92216, 0.0, 0.86605, 1.28164, 1.57829, 1.73841, 0.0, 0.0, 1.24924, 2.50897, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.66523, 3.4663, 2.95327, 2.1809, 0.76353, 1.74828, 2.57239, 3.17119, 0.0, 0.0, 0.28257, 0.70356, 0.0, 0.0, 0.0, 0.0],
  valid: [0.34998, 1.19661, 1.93188, 2.49904, 0.24119, 0.88041, 1.43652, 1.86877, -0.0432, 0.14658, 0.3188, 0.467, -0.63275, -1.23436, -1.73018, -2.06697, -0.44219, -0.72031, -0.93855, -1.06848, -0.12047, 0.09463, 0.29681, 0.47695, 0.27942, 0.98354, 1.59534, 2.0691, 0.02134, 0.31008, 0.56664, 0.77706, -0.31364, -0.52502, -0.69396, -0.79645, -0.49397, -0.85542, -1.14493, -1.3277, -0.18768, -0.07291, 0.0439, 0.16126, 0.13552, 0.71988, 1.23547, 1.64516, -0.18217, -0.20119, -0.20671, -0.1893, -0.48994, -0.94924, -1.32822, -1.58408, -0.64512, -1.29365, -1.83109, -2.20049, 0.01614, 0.43112, 0.80313, 1.10786, 0.27656, 1.05003, 1.72523, 2.25079, 0.34551, 1.17516, 1.89537, 2.45074, -0.43769, -0.82507, -1.14322, -1.35478, -0.63129, -1.26854, -1.79695, -2.16038, -0.60885, -1.16505, -1.62165, -1.92892, 0.23772, 0.96105, 1.59407, 2.08916, 0.35001, 1.19593, 1.93054, 2.49718, 0.23786, 0.87154, 1.4229, 1.85162],
};

function inputs(n: number, h: number, w: number, c: number, f: number): [Tensor, Tensor, Tensor] {
  const x = Float32Array.from({ length: n * h * w * c }, (_, i) => Math.sin(0.7 * i));
  const k = Float32Array.from({ length: 9 * c * f }, (_, i) => Math.cos(0.3 * i));
  const b = Float32Array.from({ length: f }, (_, i) => 0.1 * (i - 1.5));
  return [tensor(x, [n, h, w, c]), tensor(k, [3, 3, c, f]), tensor(b, [f])];
}

for (const [label, wasm] of [
  ['wasm', createWasmBackend({ native: false })],
  ['wasm-threads', threaded],
] as const) {
  const im2col = withoutFastPaths(wasm, 'conv2d', 'conv2dBackward');
  describe(`Winograd conv2d (${label}, no native addon)`, () => {
    afterEach(() => {
      vi.restoreAllMocks();
      delete process.env.TENSILE_WINOGRAD;
      delete process.env.TENSILE_CONV_BLOCKED;
    });

    it('matches PyTorch with same padding, batch 1 and odd height and width', () => {
      const spy = vi.spyOn(wasm, 'conv2d');
      on(wasm, () => {
        const [x, k, b] = inputs(1, 5, 3, 8, 4);
        // Winograd's float32 rounding (transforms with 0.5 and sums of up to 4 terms) stays near 1e-6·|y|.
        const y = conv2d(x, k, b, { padding: 'same', activation: 'relu' });
        expectClose(reshape(y, [-1]), GOLDEN.same_odd, { atol: 2e-5 });
      });
      expect(spy.mock.results[0]!.value, 'the Winograd kernel ran').not.toBeNull();
    });

    it('matches PyTorch with valid padding and an odd output width', () => {
      on(wasm, () => {
        const [x, k, b] = inputs(2, 6, 5, 8, 4);
        expectClose(reshape(conv2d(x, k, b, { padding: 'valid' }), [-1]), GOLDEN.valid, { atol: 2e-5 });
      });
    });

    it('declines shapes it does not compute: 1 input channel, stride 2, TENSILE_WINOGRAD=0', () => {
      const spy = vi.spyOn(wasm, 'conv2d');
      process.env.TENSILE_CONV_BLOCKED = '0'; // so a declined shape returns null instead of going in blocks
      on(wasm, () => {
        const [x, k] = inputs(1, 6, 6, 8, 4);
        conv2d(tensor(new Float32Array(36), [1, 6, 6, 1]), tensor(new Float32Array(36), [3, 3, 1, 4]), null);
        conv2d(x, k, null, { strides: 2 });
        process.env.TENSILE_WINOGRAD = '0';
        conv2d(x, k, null);
      });
      expect(spy.mock.results.map((r) => r.value)).toEqual([null, null, null]);
    });

    // The CNN's second layer (32 → 64 channels); each activation Winograd fuses or not. 4×14×13 has
    // 196 tiles, more than one block of the blocked kernels (168 tiles for 96 channels), so the last
    // block is partial.
    for (const [padding, act, batch, h, w] of [
      ['same', 'relu', 4, 14, 13],
      ['valid', 'linear', 2, 9, 7],
      ['same', 'tanh', 2, 9, 7],
    ] as const) {
      it(`agrees with im2col + GEMM and the ts backend, ${batch}×${h}×${w} ${padding} ${act}, values and gradients`, () => {
        const f = (x: Tensor, k: Tensor, b: Tensor) =>
          conv2d(x, k, b, { padding, activation: act as FusedActivation });
        const specs = [{ shape: [batch, h, w, 32] }, { shape: [3, 3, 32, 64] }, { shape: [64] }];
        // Relative to max(1, |reference|): sums of 288 products of values in [-1, 1] reach |y| ~ 10.
        for (const b of [wasm, im2col, tsBackend]) expectGradientsMatchReference(b, f, specs, { tol: 2e-5 });
      });
    }

    it('gives zero kernel and bias gradients for an empty batch', () => {
      const grads = on(wasm, () => {
        const [, k, b] = inputs(1, 4, 4, 8, 4);
        const x = tensor(new Float32Array(0), [0, 4, 4, 8]);
        const [kv, bv] = [new Variable(k), new Variable(b)];
        const out = valueAndGrads(() => sum(conv2d(x, kv, bv, { padding: 'same' })), [kv, bv]);
        return out.grads.map((g) => Array.from(g.dataSync()));
      });
      expect(grads[0]).toEqual(new Array(9 * 8 * 4).fill(0));
      expect(grads[1]).toEqual([0, 0, 0, 0]);
    });

    it('has gradients that match float64 finite differences through the reference', () => {
      const f = (x: Tensor, k: Tensor, b: Tensor) => conv2d(x, k, b, { padding: 'same', activation: 'relu' });
      checkGradients(f, [{ shape: [1, 3, 5, 4] }, { shape: [3, 3, 4, 4] }, { shape: [4] }], { tol: 1e-6 });
    });
  });
}
