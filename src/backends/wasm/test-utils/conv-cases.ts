import { valueAndGrads } from '../../../autograd/backward.js';
import type { Backend } from '../../../backend/backend.js';
import { conv2d } from '../../../ops/conv.js';
import { tensor } from '../../../ops/core.js';
import { mul } from '../../../ops/elementwise.js';
import { sum } from '../../../ops/reduce.js';
import { Variable } from '../../../tensor/tensor.js';
import { on } from '../../../test-utils/backends.js';

/**
 * Convolution cases that every Conv2D path (blocked, oneDNN) must get right, shared by their tests.
 * Each returns the kernel and bias gradients as plain arrays.
 */

/**
 * A first layer: 5 one-channel 6×6 images, 3×3 'same' relu convolution to 4 channels, weighted by a
 * fixed tensor; only the kernel and bias want gradients, so no input gradient is computed.
 */
export function firstLayerConvGrads(backend: Backend): number[][] {
  return on(backend, () => {
    const x = tensor(
      Float32Array.from({ length: 5 * 36 }, (_, i) => Math.sin(i)),
      [5, 6, 6, 1],
    );
    const k = new Variable(
      tensor(
        Float32Array.from({ length: 36 }, (_, i) => Math.cos(i)),
        [3, 3, 1, 4],
      ),
    );
    const bias = new Variable(tensor([0.1, -0.2, 0.3, 0], [4]));
    const r = tensor(
      Float32Array.from({ length: 5 * 36 * 4 }, (_, i) => Math.sin(0.3 * i)),
      [5, 6, 6, 4],
    );
    const { grads } = valueAndGrads(
      () => sum(mul(conv2d(x, k, bias, { padding: 'same', activation: 'relu' }), r)),
      [k, bias],
    );
    return grads.map((g) => Array.from(g.dataSync()));
  });
}

/** An empty batch [0, 4, 4, 1] through a 3×3 'same' convolution to 2 channels: both gradients zero. */
export function emptyBatchConvGrads(backend: Backend): number[][] {
  return on(backend, () => {
    const x = tensor(new Float32Array(0), [0, 4, 4, 1]);
    const k = new Variable(tensor(new Float32Array(9 * 2).fill(1), [3, 3, 1, 2]));
    const b = new Variable(tensor([1, 2], [2]));
    const out = valueAndGrads(() => sum(conv2d(x, k, b, { padding: 'same' })), [k, b]);
    return out.grads.map((g) => Array.from(g.dataSync()));
  });
}
