import { describe, expect, it } from 'vitest';
import { Dense, getActivation, Loss, Sequential, tensor } from '../index.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './index.js';

// Golden values from numpy, following Keras 3's TensorFlow backend formulas:
//   import numpy as np; eps = 1e-7
//   p = np.clip(np.array([[0.9],[0.2],[1.0]]), eps, 1-eps); y = np.array([[1],[0],[1]])
//   bce = -(y*np.log(p+eps) + (1-y)*np.log(1-p+eps)).mean(-1); print(bce.mean())   # 0.10950127695364632
//   z = np.array([[2.,1.,0.1],[0.5,2.5,0.3]]); y = np.array([[1,0,0],[0,0,1]])
//   ls = z - z.max(1, keepdims=True); ls -= np.log(np.exp(ls).sum(1, keepdims=True))
//   print(-(y*ls).sum(1))                                                         # [0.41703002 2.42004952]
//   p = np.float32(1 - 1e-7); print(-np.log(1 - p + 1e-7))                        # 15.3332 (float32 clip)
describe('losses', () => {
  it('binary cross-entropy on probabilities clips like Keras', () => {
    const v = Loss.get('binary_crossentropy')
      .call(tensor([[1], [0], [1]]), tensor([[0.9], [0.2], [1.0]]))
      .item();
    expect(v).toBeCloseTo(0.10950128, 6);
  });

  it('uses logits when predictions come from sigmoid/softmax, as Keras does with _keras_logits', () => {
    const z = tensor([
      [2, 1, 0.1],
      [0.5, 2.5, 0.3],
    ]);
    const y = tensor([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const probs = getActivation('softmax')(z);
    expect(Array.from(categoricalCrossentropy(y, probs).dataSync())).toEqual([
      expect.closeTo(0.41703, 5),
      expect.closeTo(2.42005, 5),
    ]);
    // A saturated sigmoid: clipping would cap the loss near 15.3; logits give the exact 30.
    const big = getActivation('sigmoid')(tensor([[30]]));
    expect(binaryCrossentropy(tensor([[0]]), big).item()).toBeCloseTo(30, 4);
    expect(binaryCrossentropy(tensor([[0]]), tensor([[1]])).item()).toBeCloseTo(15.333, 2);
  });

  it('sparse categorical equals categorical on one-hot labels', () => {
    const p = tensor([
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
    ]);
    const a = sparseCategoricalCrossentropy(tensor([0, 2], undefined, 'int32'), p).dataSync();
    const b = categoricalCrossentropy(
      tensor([
        [1, 0, 0],
        [0, 0, 1],
      ]),
      p,
    ).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0]).toBeCloseTo(-Math.log(0.7), 6);
  });

  it('mse and shape errors', () => {
    expect(meanSquaredError(tensor([[1, 2]]), tensor([[2, 4]])).item()).toBeCloseTo(2.5, 6);
    expect(() => meanSquaredError(tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow(
      /mean_squared_error \[1,2\] · \[1,3\]/,
    );
    expect(() => Loss.get('hinge_loss')).toThrow(/unknown loss 'hinge_loss'/);
  });

  it('gradients of the loss paths match finite differences', () => {
    checkGradients(
      (z) => binaryCrossentropy(tensor([[1], [0]]), getActivation('sigmoid')(z)),
      [{ shape: [2, 1] }],
    );
    checkGradients((p) => binaryCrossentropy(tensor([[1, 0]]), p), [{ shape: [1, 2], values: [0.3, 0.6] }]);
    checkGradients(
      (z) => categoricalCrossentropy(tensor([[0, 1, 0]]), getActivation('softmax')(z)),
      [{ shape: [1, 3] }],
    );
    checkGradients(
      (p) => categoricalCrossentropy(tensor([[0, 1, 0]]), p),
      [{ shape: [1, 3], values: [0.2, 0.5, 0.3] }],
    );
  });

  it('resolves accuracy by shapes like Keras 3', async () => {
    const model = new Sequential([new Dense(3, { activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const [, acc] = model.evaluate(
      tensor([
        [0, 0],
        [0, 0],
      ]),
      tensor([0, 1], undefined, 'int32'),
    );
    expect(acc).toBe(0.5); // zero input → uniform softmax → argmax 0 for both rows
  });
});
