import { describe, expect, it } from 'vitest';
import type { GRU } from '../layers/rnn/gru.js';
import type { LSTM } from '../layers/rnn/lstm.js';
import { kerasMajor, modelFromConfig } from './model-config.js';

// Keras 2.2 (standalone keras/layers/recurrent.py) GRU and LSTM configs: no reset_after, and LSTM's
// default recurrent_activation 'hard_sigmoid' (Keras 2: clip(0.2 x + 0.5, 0, 1)).
const keras22 = {
  class_name: 'Sequential',
  config: [
    {
      class_name: 'LSTM',
      config: {
        name: 'lstm_1',
        units: 3,
        return_sequences: true,
        batch_input_shape: [null, 4, 2],
        recurrent_activation: 'hard_sigmoid',
      },
    },
    { class_name: 'GRU', config: { name: 'gru_1', units: 2, recurrent_activation: 'hard_sigmoid' } },
  ],
};

describe('modelFromConfig follows the Keras version that wrote the file', () => {
  it('Keras 2: hard_sigmoid is the 0.2 x + 0.5 one, a GRU without reset_after is the original GRU', () => {
    const model = modelFromConfig(keras22, 'old.h5', {}, 2);
    const [lstm, gru] = model.layers as [LSTM, GRU];
    expect(lstm.cell.recurrentActivationName).toBe('hard_sigmoid_keras2');
    expect(gru.cell.recurrentActivationName).toBe('hard_sigmoid_keras2');
    expect(gru.cell.resetAfter).toBe(false);
  });

  it("Keras 3: hard_sigmoid is Keras 3's, and GRU's reset_after default stays true", () => {
    const model = modelFromConfig(keras22, 'new.keras', {}, 3);
    const [lstm, gru] = model.layers as [LSTM, GRU];
    expect(lstm.cell.recurrentActivationName).toBe('hard_sigmoid');
    expect(gru.cell.resetAfter).toBe(true);
  });

  it('reads the major version, defaulting by container', () => {
    expect([
      kerasMajor('2.4.0', 'h5'),
      kerasMajor('3.15.0', 'keras'),
      kerasMajor(null, 'h5'),
      kerasMajor(undefined, 'keras'),
    ]).toEqual([2, 3, 2, 3]);
  });
});
