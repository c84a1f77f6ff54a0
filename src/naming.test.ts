import { describe, expect, it } from 'vitest';
import { toSnakeCase } from './naming.js';

describe('toSnakeCase', () => {
  // Python, keras 3.x: from keras.src.utils.naming import to_snake_case
  // [to_snake_case(n) for n in ['Dense', 'BatchNormalization', 'SimpleRNN', 'LSTM', 'GRU', 'InputLayer',
  //   'Conv2D', 'GlorotUniform', 'binary_crossentropy', 'meanSquaredError', 'HTTPServer', 'ReLU']]
  it('matches Keras for layer, initializer, loss and acronym names', () => {
    const names = ['Dense', 'BatchNormalization', 'SimpleRNN', 'LSTM', 'GRU', 'InputLayer', 'Conv2D'];
    const more = ['GlorotUniform', 'binary_crossentropy', 'meanSquaredError', 'HTTPServer', 'ReLU'];
    expect([...names, ...more].map(toSnakeCase)).toEqual([
      'dense',
      'batch_normalization',
      'simple_rnn',
      'lstm',
      'gru',
      'input_layer',
      'conv2d',
      'glorot_uniform',
      'binary_crossentropy',
      'mean_squared_error',
      'http_server',
      're_lu',
    ]);
  });

  it('drops characters that cannot appear in a Python identifier', () => {
    expect(toSnakeCase('My Layer-2')).toBe('my_layer2');
  });
});
