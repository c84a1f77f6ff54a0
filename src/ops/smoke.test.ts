import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import { Variable } from '../tensor/tensor.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { add, dense, matmul, mean, softmax, softmaxCrossEntropy, square, sum, tensor } from './index.js';

describe('engine smoke', () => {
  it('adds with broadcasting', () => {
    expect(
      add(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([10, 20]),
      ).toArray(),
    ).toEqual([
      [11, 22],
      [13, 24],
    ]);
  });
  it('differentiates a square', () => {
    const w = new Variable(tensor([1, 2, 3]));
    const { value, grads } = valueAndGrads(() => sum(square(w)), [w]);
    expect(value.item()).toBe(14);
    expect(grads[0]!.toArray()).toEqual([2, 4, 6]);
  });
  it('gradchecks matmul, dense, softmax and cross-entropy', () => {
    checkGradients((a, b) => matmul(a, b), [{ shape: [3, 4] }, { shape: [4, 2] }]);
    checkGradients((a, b) => matmul(a, b, true, true), [{ shape: [4, 3] }, { shape: [2, 4] }]);
    checkGradients(
      (x, w, b) => dense(x, w, b, 'sigmoid'),
      [{ shape: [3, 4] }, { shape: [4, 2] }, { shape: [2] }],
    );
    checkGradients((x) => softmax(x), [{ shape: [2, 5] }]);
    checkGradients((z, y) => softmaxCrossEntropy(z, y), [{ shape: [3, 4] }, { shape: [3, 4] }]);
    checkGradients((x) => mean(x, 1), [{ shape: [3, 4] }]);
  });
});
