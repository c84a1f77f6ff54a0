import { describe, expect, it } from 'vitest';
import { modelFromConfig } from '../io/model-config.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { ELU, LeakyReLU, ReLU, Softmax } from './activation-layers.js';
import { Embedding } from './embedding.js';
import { RepeatVector } from './repeat-vector.js';
import { Rescaling } from './rescaling.js';

// Golden values from PyTorch 1.13 (relu6, leaky_relu, elu, softmax) and numpy for Keras' documented
// ReLU formula:
//   x = torch.tensor([-3.0, -0.5, 0.0, 0.25, 2.0, 7.5])
//   F.relu6(x); F.leaky_relu(x, 0.3); F.elu(x, 0.7)
//   np.where(x >= 5, 5, np.where(x >= 0.5, x, 0.1 * (x - 0.5)))   # ReLU(max_value=5, negative_slope=0.1, threshold=0.5)
//   F.softmax(torch.tensor([[1., 2., 3.], [-1., 0., 5.]]), 0)
const X = [-3, -0.5, 0, 0.25, 2, 7.5];

describe('activation layers (Keras ReLU, LeakyReLU, ELU, Softmax)', () => {
  forEachBackend('golden values', (backend) => {
    it('match PyTorch and Keras formulas', () => {
      on(backend, () => {
        const x = tensor(X);
        expectClose(new ReLU({ maxValue: 6 }).apply(x), [0, 0, 0, 0.25, 2, 6]);
        expectClose(new ReLU().apply(x), [0, 0, 0, 0.25, 2, 7.5]);
        expectClose(
          new ReLU({ maxValue: 5, negativeSlope: 0.1, threshold: 0.5 }).apply(x),
          [-0.35, -0.1, -0.05, -0.025, 2, 5],
        );
        expectClose(new ReLU({ negativeSlope: 0.3 }).apply(x), [-0.9, -0.15, 0, 0.25, 2, 7.5]);
        expectClose(new LeakyReLU().apply(x), [-0.9, -0.15, 0, 0.25, 2, 7.5]);
        expectClose(new ELU({ alpha: 0.7 }).apply(x), [-0.665149033, -0.275428533, 0, 0.25, 2, 7.5]);
        expectClose(new ELU().apply(tensor([1000])), [1000]);
        expectClose(
          new Softmax({ axis: 0 }).apply(
            tensor([
              [1, 2, 3],
              [-1, 0, 5],
            ]),
          ),
          [
            [0.880797, 0.880797, 0.119203],
            [0.119203, 0.119203, 0.880797],
          ],
        );
      });
    });
  });

  it('have float64 gradients that match central differences', () => {
    const away = { values: [-1.3, -0.7, 0.2, 0.9, 1.7, 2.6, -2.2, 3.4] }; // no kinks within ±h
    checkGradients(
      (x) => new ReLU({ maxValue: 3, negativeSlope: 0.2, threshold: 0.5 }).apply(x!),
      [{ shape: [8], ...away }],
    );
    checkGradients((x) => new LeakyReLU({ negativeSlope: 0.1 }).apply(x!), [{ shape: [8], ...away }]);
    checkGradients((x) => new ELU({ alpha: 0.5 }).apply(x!), [{ shape: [8], ...away }]);
    checkGradients((x) => new Softmax().apply(x!), [{ shape: [2, 4] }]);
  });

  it('round-trip Keras configs, accept Keras 2 names and refuse bad options by name', () => {
    const relu = new ReLU({ maxValue: 6, name: 'relu6' });
    expect(relu.getConfig()).toMatchObject({ name: 'relu6', max_value: 6, negative_slope: 0, threshold: 0 });
    expect(ReLU.fromConfig(relu.getConfig()).getConfig()).toEqual(relu.getConfig());
    // tf.keras 2 writes LeakyReLU's slope as `alpha`; Keras 3 as `negative_slope`.
    expect(LeakyReLU.fromConfig({ name: 'l', alpha: 0.2 }).negativeSlope).toBe(0.2);
    expect(new LeakyReLU().getConfig()).toMatchObject({ negative_slope: 0.3 });
    expect(Softmax.fromConfig(new Softmax({ axis: 1 }).getConfig()).axis).toBe(1);
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/ReLU: maxValue must be a number ≥ 0, got -1/);
    expect(() => new LeakyReLU({ negativeSlope: Number.NaN })).toThrow(/LeakyReLU: negativeSlope/);
    expect(() => new Softmax({ axis: [1, 2] as unknown as number })).toThrow(
      /Softmax: axis must be one integer/,
    );
    const masked = new Embedding(5, 2, { maskZero: true }).apply(tensor([[1, 0]], [1, 2], 'int32'));
    expect(() => new Softmax({ name: 'sm' }).apply(masked)).toThrow(
      /layer 'sm' \(Softmax\): inputs with a Keras mask/,
    );
  });
});

describe('Rescaling and RepeatVector', () => {
  forEachBackend('values', (backend) => {
    it('rescale int32 pixels to floats, per channel too, and repeat vectors', () => {
      on(backend, () => {
        const y = new Rescaling(1 / 127.5, { offset: -1 }).apply(tensor([0, 51, 255], [1, 3], 'int32'));
        expect(y.dtype).toBe('float32');
        expectClose(y, [[-1, 51 / 127.5 - 1, 1]]);
        const perChannel = new Rescaling([1, 10], { offset: [0, 1] }).apply(tensor([1, 2, 3, 4], [2, 2]));
        expectClose(perChannel, [
          [1, 21],
          [3, 41],
        ]);
        const r = new RepeatVector(3).apply(tensor([1, 2, 3, 4], [2, 2]));
        expect(r.shape).toEqual([2, 3, 2]);
        expect(Array.from(r.dataSync())).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
      });
    });
  });

  it('have float64 gradients that match central differences', () => {
    checkGradients((x) => new Rescaling([0.5, -2], { offset: 3 }).apply(x!), [{ shape: [3, 2] }]);
    checkGradients((x) => new RepeatVector(4).apply(x!), [{ shape: [2, 3] }]);
  });

  it('load from Keras 3 configs, with shapes in summary, and refuse bad inputs by name', () => {
    const config = {
      class_name: 'Sequential',
      config: {
        name: 'autoencoder',
        layers: [
          {
            class_name: 'InputLayer',
            config: { batch_shape: [null, 4], dtype: 'float32', name: 'input_layer' },
          },
          {
            class_name: 'Rescaling',
            config: {
              name: 'rescaling',
              dtype: 'float32',
              trainable: true,
              scale: 0.00392156862745098,
              offset: 0.0,
            },
          },
          {
            class_name: 'RepeatVector',
            config: { name: 'repeat_vector', trainable: true, dtype: 'float32', n: 5 },
          },
          {
            class_name: 'LeakyReLU',
            config: { name: 'leaky_re_lu', trainable: true, dtype: 'float32', negative_slope: 0.2 },
          },
          {
            class_name: 'ReLU',
            config: {
              name: 're_lu',
              trainable: true,
              dtype: 'float32',
              max_value: 6.0,
              negative_slope: 0.0,
              threshold: 0.0,
            },
          },
          { class_name: 'Softmax', config: { name: 'softmax', trainable: true, dtype: 'float32', axis: -1 } },
        ],
      },
    };
    const model = modelFromConfig(config, 'autoencoder.keras', {}, 3);
    expect(model.layers.map((l) => l.className)).toEqual([
      'Rescaling',
      'RepeatVector',
      'LeakyReLU',
      'ReLU',
      'Softmax',
    ]);
    expect(model.outputs[0]!.shape).toEqual([null, 5, 4]);
    const y = model.predict(tensor([255, 0, 0, 0], [1, 4])) as ReturnType<typeof tensor>;
    expectClose(y, [Array.from({ length: 5 }, () => [0.475367, 0.174878, 0.174878, 0.174878])], {
      atol: 1e-5,
    });
    expect(() => new RepeatVector(0)).toThrow(/RepeatVector: n must be a positive integer, got 0/);
    expect(() => new Sequential([new RepeatVector(2, { inputShape: [2, 3] })])).toThrow(
      /expected inputs \[batch, features\]/,
    );
    expect(() => new Rescaling([1, 2], { name: 'rs' }).apply(tensor([1, 2, 3], [1, 3]))).toThrow(
      /layer 'rs' \(Rescaling\).*scale has 2 values but the input has 3 channels/,
    );
    expect(() => Rescaling.fromConfig({ name: 'r', scale: { class_name: '__numpy__', config: {} } })).toThrow(
      /Rescaling 'r': scale stored as .* is not supported/,
    );
  });
});
