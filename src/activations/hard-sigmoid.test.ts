import { expect, it } from 'vitest';
import { tensor } from '../ops/core.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { getActivation, hardSigmoid, hardSigmoidKeras2 } from './index.js';

// numpy, Keras 3 (keras/src/ops/nn.py: relu6(x + 3) / 6) and Keras 2 (backend.hard_sigmoid: 0.2 x + 0.5):
//   x = np.array([-4, -3, -1, 0, 0.5, 2.5, 3, 5])
//   np.clip(x / 6 + 0.5, 0, 1) → [0, 0, 0.33333333, 0.5, 0.58333333, 0.91666667, 1, 1]
//   np.clip(0.2 * x + 0.5, 0, 1) → [0, 0, 0.3, 0.5, 0.6, 1, 1, 1]
const x = [-4, -3, -1, 0, 0.5, 2.5, 3, 5];
const keras3 = [0, 0, 0.33333333, 0.5, 0.58333333, 0.91666667, 1, 1];
const keras2 = [0, 0, 0.3, 0.5, 0.6, 1, 1, 1];

forEachBackend('hard_sigmoid', (backend) => {
  it('Keras 3: clip(x / 6 + 0.5, 0, 1)', () => {
    const got = on(backend, () => Array.from(getActivation('hard_sigmoid')(tensor(x)).dataSync()));
    for (const [i, v] of keras3.entries()) expect(got[i]).toBeCloseTo(v, 6);
  });

  it('Keras 2: clip(0.2 x + 0.5, 0, 1)', () => {
    const got = on(backend, () => Array.from(getActivation('hard_sigmoid_keras2')(tensor(x)).dataSync()));
    for (const [i, v] of keras2.entries()) expect(got[i]).toBeCloseTo(v, 6);
  });
});

it('hard_sigmoid gradients match float64 finite differences (away from the kinks)', () => {
  // Points inside the linear pieces and in the flat parts; the kinks (x = ±3, ±2.5) are avoided.
  const values = [-5, -2.9, -1, 0.2, 1.7, 2.4, 2.9, 4];
  checkGradients((t) => hardSigmoid(t), [{ shape: [8], values }]);
  checkGradients((t) => hardSigmoidKeras2(t), [{ shape: [8], values }]);
});
