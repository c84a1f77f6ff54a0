import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import type { Backend } from '../backend/backend.js';
import { scope } from '../engine/engine.js';
import { Variable } from '../tensor/tensor.js';
import { expectClose, withoutFastPaths } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { mean, sigmoidCrossEntropy, tensor } from './index.js';

// golden: NumPy float64 of
//   z = np.array([-100, -3, -0.5, 0, 0.5, 3, 100.]); t = np.array([0, 1, 0.3, 1, 0, 1, 0.])
//   loss = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
//   grad = 1 / (1 + np.exp(-z)) - t   # d loss / d z
// biome-ignore format: golden values
const XENT = {
  z: [-100, -3, -0.5, 0, 0.5, 3, 100],
  t: [0, 1, 0.3, 1, 0, 1, 0],
  loss: [3.720075976020836e-44, 3.048587351573742, 0.6240769841801067, 0.6931471805599453, 0.9740769841801067, 0.04858735157374206, 100],
  grad: [3.7200759760208356e-44, -0.9525741268224333, 0.07754066879814542, -0.5, 0.6224593312018546, -0.047425873177566635, 1],
};

forEachBackend('sigmoidCrossEntropy', (backend) => {
  const unfused = withoutFastPaths(backend, 'sigmoidCrossEntropy');
  it('matches numpy, with no overflow at ±100', () => {
    on(backend, () => {
      const loss = sigmoidCrossEntropy(tensor(XENT.z), tensor(XENT.t));
      expectClose(loss, XENT.loss, { rtol: 1e-6, atol: 1e-7 });
    });
  });
  it('its gradient is sigmoid(z) - t, and the labels get -z', () => {
    on(backend, () =>
      scope(() => {
        const [z, t] = [new Variable(tensor(XENT.z)), new Variable(tensor(XENT.t))];
        const { grads } = valueAndGrads(() => mean(sigmoidCrossEntropy(z, t)), [z, t]);
        expectClose(
          grads[0]!,
          XENT.grad.map((g) => g / 7),
          { rtol: 1e-6, atol: 1e-8 },
        );
        expectClose(
          grads[1]!,
          XENT.z.map((v) => -v / 7),
          { rtol: 1e-6 },
        );
      }),
    );
  });
  it('the fused kernel rounds as the composed ops do, and agrees in gradients', () => {
    const run = (b: Backend) =>
      on(b, () =>
        scope(() => {
          const z = new Variable(
            tensor([
              [0.25, -1.5, 7, -0.0625],
              [2, -30, 0.5, 1e-3],
            ]),
          );
          const t = tensor([
            [1, 0, 1, 0.5],
            [0, 0, 1, 1],
          ]);
          const { value, grads } = valueAndGrads(() => mean(sigmoidCrossEntropy(z, t)), [z]);
          return {
            loss: sigmoidCrossEntropy(z, t).toArray(),
            value: value.item(),
            grad: grads[0]!.toArray(),
          };
        }),
      );
    const [fused, composed] = [run(backend), run(unfused)];
    expect(fused.loss).toEqual(composed.loss); // bit for bit: same float32 steps
    expect(fused.value).toBe(composed.value);
    on(backend, () => expectClose(tensor(fused.grad), composed.grad, { rtol: 1e-6, atol: 1e-8 }));
  });
  it('names shape mismatches and refuses int logits', () => {
    on(backend, () => {
      expect(() => sigmoidCrossEntropy(tensor([[1, 2]]), tensor([1, 0]))).toThrow(
        'sigmoidCrossEntropy [1,2] · [2]: logits and labels must have the same shape',
      );
      expect(() => sigmoidCrossEntropy(tensor([1], undefined, 'int32'), tensor([1]))).toThrow(
        /sigmoidCrossEntropy/,
      );
    });
  });
});

describe('sigmoidCrossEntropy gradients (float64 central differences)', () => {
  it('with respect to logits and labels', () => {
    checkGradients((z, t) => sigmoidCrossEntropy(z!, t!), [{ shape: [2, 3] }, { shape: [2, 3] }]);
  });
});
