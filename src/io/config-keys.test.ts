import { describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Adam, RMSprop } from '../optimizers/index.js';
import { compileArgsFromConfig, lossFromConfig, optimizerFromConfig } from './compile-config.js';
import { isFloat32Policy, refusedLayerKeys } from './config-keys.js';
import { modelFromConfig } from './model-config.js';
import { layerFromConfig } from './registry.js';

const policy = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};
// Keras 3.15's Dense.get_config() for Dense(3) (keras/src/layers/core/dense.py), with the 3.15 initializer keys.
const dense315 = {
  name: 'dense',
  trainable: true,
  dtype: policy,
  units: 3,
  activation: 'relu',
  use_bias: true,
  kernel_initializer: {
    module: 'keras.initializers',
    class_name: 'GlorotUniform',
    config: { seed: null, input_axes: null, output_axes: null },
    registered_name: null,
  },
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
  bias_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
  quantization_config: null,
};

describe('layer config keys', () => {
  it('loads a Keras 3.15 Dense config (new keys at their defaults)', () => {
    const layer = layerFromConfig('Dense', dense315, 'm.keras') as Dense;
    expect(layer).toBeInstanceOf(Dense);
    expect([layer.units, layer.activationName]).toEqual([3, 'relu']);
  });

  it('refuses keys that change what the layer computes or how it trains, by name', () => {
    const l2 = { ...dense315, kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } } };
    expect(() => layerFromConfig('Dense', l2, 'm.keras')).toThrow(
      /m\.keras: layer 'dense' \(Dense\) uses kernel_regularizer = \{"class_name":"L2","config":\{"l2":0\.01\}\}/,
    );
    const mixed = { ...dense315, dtype: { ...policy, config: { name: 'mixed_float16' } } };
    expect(() => layerFromConfig('Dense', mixed, 'm.keras')).toThrow(/uses dtype = .*mixed_float16/);
    expect(() => layerFromConfig('Dense', { ...dense315, lora_rank: 4 }, 'm.keras')).toThrow(/lora_rank = 4/);
  });

  it('accepts an unknown key only when null (Keras adds options with None meaning off)', () => {
    expect(refusedLayerKeys('Dense', { ...dense315, future_option: null })).toEqual([]);
    expect(refusedLayerKeys('Dense', { ...dense315, future_option: 2 })).toEqual(['future_option = 2']);
  });

  it('checks only the common keys of classes it does not know (custom objects, other layers)', () => {
    expect(refusedLayerKeys('MyLayer', { name: 'x', whatever: 3 })).toEqual([]);
    expect(refusedLayerKeys('MyLayer', { name: 'x', dtype: 'float16' })).toEqual(['dtype = "float16"']);
  });

  it('accepts tf.keras and Keras 3 keys that cannot change the result', () => {
    // tf.keras 2.x LSTM config keys (keras/layers/rnn/lstm.py get_config) at their written values.
    const lstm = {
      name: 'lstm',
      units: 4,
      implementation: 2,
      time_major: false,
      return_sequences: false,
      unroll: false,
      use_cudnn: 'auto',
    };
    expect(refusedLayerKeys('LSTM', lstm)).toEqual([]);
    expect(refusedLayerKeys('LSTM', { ...lstm, time_major: true })).toEqual(['time_major = true']);
    expect(
      refusedLayerKeys('BatchNormalization', { synchronized: true, renorm: false, fused: null }),
    ).toEqual([]);
    expect(refusedLayerKeys('BatchNormalization', { renorm: true })).toEqual(['renorm = true']);
  });

  it('knows float32 dtype policies in both spellings', () => {
    const tfKeras = { class_name: 'Policy', config: { name: 'float32' } };
    const keras33 = { module: 'keras', class_name: 'FloatDTypePolicy', config: { name: 'float32' } };
    const mixed = { class_name: 'Policy', config: { name: 'mixed_float16' } };
    expect([policy, tfKeras, keras33, 'float32', null].map(isFloat32Policy)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([mixed, 'bfloat16'].map(isFloat32Policy)).toEqual([false, false]);
  });
});

describe('Functional configs from Keras', () => {
  // Keras 3.x get_config of Input((2,)) -> Dense -> Concatenate([x, h]) / Add([h, h]), and tf.keras 2.x InputLayer keys.
  const functional = (input: Record<string, unknown>, activation = 'linear') => ({
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers: [
        { class_name: 'InputLayer', config: input, name: 'x', inbound_nodes: [] },
        {
          class_name: 'Dense',
          config: { name: 'h', trainable: true, dtype: policy, units: 2, activation },
          name: 'h',
          inbound_nodes: [[['x', 0, 0, {}]]],
        },
        {
          class_name: 'Concatenate',
          config: { name: 'cat', trainable: true, dtype: policy, axis: -1 },
          name: 'cat',
          inbound_nodes: [
            [
              ['x', 0, 0, {}],
              ['h', 0, 0, {}],
            ],
          ],
        },
        {
          class_name: 'Add',
          config: { name: 'add', trainable: true, dtype: policy },
          name: 'add',
          inbound_nodes: [
            [
              ['h', 0, 0, {}],
              ['h', 0, 0, {}],
            ],
          ],
        },
      ],
      input_layers: [['x', 0, 0]],
      output_layers: [
        ['cat', 0, 0],
        ['add', 0, 0],
      ],
    },
  });
  const keras3Input = {
    batch_shape: [null, 2],
    dtype: 'float32',
    sparse: false,
    ragged: false,
    optional: false,
    name: 'x',
  };
  const tfKerasInput = {
    batch_input_shape: [null, 2],
    dtype: 'float32',
    sparse: false,
    ragged: false,
    name: 'x',
  };

  it('loads merge layers and InputLayers with the keys Keras writes', () => {
    for (const input of [keras3Input, tfKerasInput]) {
      const model = modelFromConfig(functional(input), 'f.keras');
      expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Concatenate', 'Add']);
      expect(model.outputs.map((t) => t.shape)).toEqual([
        [null, 4],
        [null, 2],
      ]);
    }
    for (const cls of ['Add', 'Multiply', 'Average'])
      expect(refusedLayerKeys(cls, { name: 'm', trainable: true, dtype: policy })).toEqual([]);
    expect(refusedLayerKeys('Concatenate', { name: 'c', axis: 1 })).toEqual([]);
    expect(refusedLayerKeys('Add', { name: 'a', future_option: 2 })).toEqual(['future_option = 2']);
  });

  it('refuses InputLayer keys Tensile cannot honour in a Functional config too', () => {
    expect(() => modelFromConfig(functional({ ...keras3Input, sparse: true }), 'f.keras')).toThrow(
      /f\.keras: the InputLayer 'x' uses sparse = true/,
    );
  });

  it("reads a Keras 2 Functional config's hard_sigmoid as Keras 2's", () => {
    const h = (major: number) =>
      (modelFromConfig(functional(tfKerasInput, 'hard_sigmoid'), 'f.h5', {}, major).layers[1] as Dense)
        .activationName;
    expect([h(2), h(3)]).toEqual(['hard_sigmoid_keras2', 'hard_sigmoid']);
  });
});

describe('optimizer and loss config keys', () => {
  // tf.keras 2.11–2.15 write their new optimizers as 'Custom>RMSprop' / 'Custom>Adam' in compile configs.
  it("reads tf.keras 2.11+'s Custom> optimizer names", () => {
    const opt = optimizerFromConfig(
      {
        class_name: 'Custom>RMSprop',
        config: {
          name: 'RMSprop',
          weight_decay: null,
          clipnorm: null,
          global_clipnorm: null,
          clipvalue: null,
          use_ema: false,
          ema_momentum: 0.99,
          ema_overwrite_frequency: 100,
          jit_compile: true,
          is_legacy_optimizer: false,
          learning_rate: 0.0010000000474974513,
          rho: 0.9,
          momentum: 0.0,
          epsilon: 1e-7,
          centered: false,
        },
      },
      'f.h5',
    );
    expect(opt).toBeInstanceOf(RMSprop);
    expect(optimizerFromConfig({ class_name: 'Custom>Adam', config: {} }, 'f.h5')).toBeInstanceOf(Adam);
  });

  it('refuses optimizer settings that change training, by name', () => {
    expect(() => optimizerFromConfig({ class_name: 'Adam', config: { use_ema: true } }, 'f.keras')).toThrow(
      /f\.keras: optimizer Adam uses use_ema = true/,
    );
    expect(() =>
      optimizerFromConfig({ class_name: 'SGD', config: { lr: 0.1, decay: 1e-4 } }, 'f.h5'),
    ).toThrow(/optimizer SGD uses decay = 0\.0001/);
    expect(() =>
      optimizerFromConfig({ class_name: 'SGD', config: { gradient_accumulation_steps: 4 } }, 'f.keras'),
    ).toThrow(/gradient_accumulation_steps = 4/);
  });

  it('refuses loss settings Tensile does not have', () => {
    const bce = (config: Record<string, unknown>) => ({ class_name: 'BinaryCrossentropy', config });
    expect(
      lossFromConfig(bce({ from_logits: true, reduction: 'auto', label_smoothing: 0.0 }), 'f').name,
    ).toBe('binary_crossentropy');
    expect(() => lossFromConfig(bce({ label_smoothing: 0.1 }), 'f')).toThrow(
      /loss BinaryCrossentropy uses label_smoothing = 0\.1/,
    );
    expect(() => lossFromConfig(bce({ reduction: 'sum' }), 'f')).toThrow(/reduction = "sum"/);
  });
});

describe('compile configs with strings', () => {
  // Keras 3 and tf.keras 2.13+ keep compile()'s arguments as given: model.compile(optimizer="rmsprop",
  // loss="sparse_categorical_crossentropy", metrics=["accuracy"]) saves exactly those strings.
  it('resolves string optimizers, losses and metrics', () => {
    const args = compileArgsFromConfig(
      {
        optimizer: 'rmsprop',
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
        loss_weights: null,
        weighted_metrics: null,
        run_eagerly: null,
        steps_per_execution: null,
        jit_compile: null,
      },
      'f.keras',
    );
    expect(args.optimizer).toBeInstanceOf(RMSprop);
    expect((args.loss as { name: string }).name).toBe('sparse_categorical_crossentropy');
    expect(args.metrics).toEqual(['accuracy']);
    // Keras 3 writes a loss function as {class_name: 'function', config: name}.
    const fn = {
      module: 'builtins',
      class_name: 'function',
      config: 'mean_squared_error',
      registered_name: 'function',
    };
    expect(lossFromConfig(fn, 'f').name).toBe('mean_squared_error');
    expect(() => compileArgsFromConfig({ optimizer: 'adagrad', loss: 'mse' }, 'f.keras')).toThrow(
      /f\.keras: unknown optimizer 'adagrad' .*compile: false/,
    );
  });

  it('keeps the metrics Tensile has and leaves the others out with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // tf.keras 2.x: [[MeanMetricWrapper(name, fn), AUC]] per output.
    const metrics = [
      [
        { class_name: 'MeanMetricWrapper', config: { name: 'acc', dtype: 'float32', fn: 'binary_accuracy' } },
        {
          class_name: 'MeanMetricWrapper',
          config: { name: 'my_acc', dtype: 'float32', fn: 'binary_accuracy' },
        },
        { class_name: 'AUC', config: { name: 'auc', num_thresholds: 200 } },
      ],
    ];
    const args = compileArgsFromConfig({ optimizer: 'adam', loss: 'binary_crossentropy', metrics }, 'f.h5');
    expect(args.metrics).toEqual(['acc', 'binary_accuracy']);
    expect(String(warn.mock.calls[0]?.[0])).toBe(
      'f.h5: metrics Tensile does not have were left out of compile(): auc',
    );
    warn.mockRestore();
  });
});
