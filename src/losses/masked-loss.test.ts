import { describe, expect, it } from 'vitest';
import { Dense, Embedding, LSTM, Sequential, setRandomSeed } from '../index.js';
import { setKerasMask } from '../layers/rnn/masking.js';
import { tensor } from '../ops/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { Loss } from './index.js';

// Keras 3 (keras/src/losses/loss.py apply_mask): with a mask on y_pred and the default reduction,
// the loss is Σ loss·mask / Σ mask (0 when nothing is valid).
describe('losses on masked sequence predictions', () => {
  it('average only the unmasked steps', () => {
    const mse = Loss.get('mse');
    const yTrue = tensor([
      [[1], [2], [3]],
      [[0], [0], [0]],
    ]);
    const yPred = tensor([
      [[2], [2], [9]],
      [[1], [3], [5]],
    ]);
    expect(mse.call(yTrue, yPred).item()).toBeCloseTo((1 + 0 + 36 + 1 + 9 + 25) / 6, 6);
    setKerasMask(
      yPred,
      tensor(
        [
          [1, 1, 0],
          [1, 0, 0],
        ],
        [2, 3],
        'int32',
      ),
    );
    // (1 + 0 + 1) / 3: the 36, 9 and 25 are padding.
    expect(mse.call(yTrue, yPred).item()).toBeCloseTo(2 / 3, 6);
    setKerasMask(
      yPred,
      tensor(
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
        [2, 3],
        'int32',
      ),
    );
    expect(mse.call(yTrue, yPred).item()).toBe(0);
    setKerasMask(
      yPred,
      tensor(
        [
          [1, 1],
          [1, 1],
        ],
        [2, 2],
        'int32',
      ),
    );
    expect(() => mse.call(yTrue, yPred)).toThrow(/loss 'mean_squared_error'.*\[2,3\].*\[2,2\].*Keras mask/);
  });

  it('has float64 gradients that match central differences', () => {
    const loss = Loss.get('sparse_categorical_crossentropy');
    checkGradients(
      (p) => {
        const probs = p!;
        const backend = probs.backend;
        setKerasMask(probs, tensor([[1, 1, 0]], [1, 3], 'int32', { backend }));
        return loss.call(tensor([[1, 0, 2]], [1, 3], 'int32', { backend }), probs);
      },
      [{ shape: [1, 3, 3], values: [0.2, 0.5, 0.3, 0.6, 0.3, 0.1, 0.1, 0.1, 0.8] }],
      { tol: 1e-5 },
    );
  });

  it("make evaluate skip a padded sequence's steps (Embedding maskZero → LSTM → Dense)", () => {
    setRandomSeed(5);
    const model = new Sequential([
      new Embedding(6, 3, { maskZero: true, inputShape: [4] }),
      new LSTM(2, { returnSequences: true }),
      new Dense(1),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const tokens = [3, 1, 0, 0, 2, 5, 4, 0];
    const x = tensor(Int32Array.from(tokens), [2, 4], 'int32');
    const targets = [1, -1, 7, 7, 0.5, 0, 2, 7];
    const y = tensor(Float32Array.from(targets), [2, 4, 1]);
    const p = (model.predict(x) as Tensor).dataSync();
    let se = 0;
    let valid = 0;
    tokens.forEach((tok, i) => {
      if (tok === 0) return;
      se += (p[i]! - targets[i]!) ** 2;
      valid++;
    });
    expect(model.evaluate(x, y, { batchSize: 2 })[0]).toBeCloseTo(se / valid, 5);
  });
});
