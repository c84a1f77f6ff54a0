import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { initializers } from '../index.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { Conv1D } from './conv1d.js';
import { Conv2D } from './conv2d.js';
import { clearSession } from './layer.js';

describe('Conv2D and Conv1D: Keras options, weights and config', () => {
  it('has Keras kernel layouts, parameter counts and output shapes', () => {
    const m = new Sequential([
      new Conv2D(32, 3, { activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
      new Conv2D(64, [3, 5], { strides: 2 }),
      new Conv2D(8, 3, { dilationRate: 2, useBias: false }),
    ]);
    const [a, b, c] = m.layers as Conv2D[];
    expect(a!.kernel!.shape).toEqual([3, 3, 1, 32]);
    expect(b!.kernel!.shape).toEqual([3, 5, 32, 64]);
    expect([a!.countParams(), b!.countParams(), c!.countParams()]).toEqual([320, 30784, 4608]);
    expect(m.outputShape).toEqual([null, 9, 8, 8]);
    expect(a!.weightEntries.map((w) => w.name)).toEqual(['kernel', 'bias']);
    const c1 = new Conv1D(16, 5, { padding: 'causal', strides: 1, inputShape: [100, 8] });
    expect(new Sequential([c1]).outputShape).toEqual([null, 100, 16]);
    expect(c1.kernel!.shape).toEqual([5, 8, 16]);
  });

  it('writes the config keys Keras writes and rebuilds from them', () => {
    clearSession();
    const conv = new Conv2D(4, 3, { strides: [1, 2], padding: 'same', activation: 'tanh' });
    expect(conv.name).toBe('conv2d');
    expect(Object.keys(conv.getConfig()).sort()).toEqual(
      [
        'activation',
        'activity_regularizer',
        'bias_constraint',
        'bias_initializer',
        'bias_regularizer',
        'data_format',
        'dilation_rate',
        'dtype',
        'filters',
        'groups',
        'kernel_constraint',
        'kernel_initializer',
        'kernel_regularizer',
        'kernel_size',
        'name',
        'padding',
        'strides',
        'trainable',
        'use_bias',
      ].sort(),
    );
    expect(conv.getConfig()).toMatchObject({ kernel_size: [3, 3], strides: [1, 2], dilation_rate: [1, 1] });
    expect(Conv2D.fromConfig(conv.getConfig()).getConfig()).toEqual(conv.getConfig());
    const c1 = new Conv1D(2, 3, { padding: 'causal', dilationRate: 2 });
    expect(c1.getConfig()).toMatchObject({ kernel_size: [3], dilation_rate: [2], padding: 'causal' });
    // Keras 2 writes sizes as lists too; an int also loads.
    expect(Conv1D.fromConfig({ ...c1.getConfig(), kernel_size: 3, strides: 1 }).kernelSize).toEqual([3]);
    const l2 = { class_name: 'L2', config: { l2: 0.01 } };
    expect(() => Conv2D.fromConfig({ ...conv.getConfig(), kernel_regularizer: l2 })).toThrow(
      /conv2d: 'kernel_regularizer' is set .*not support/,
    );
  });

  it('refuses what it does not support, by name', () => {
    expect(() => new Conv2D(4, 3, { dataFormat: 'channels_first' })).toThrow(/channels_first/);
    expect(() => new Conv2D(4, 3, { groups: 2 })).toThrow(/groups=2/);
    expect(() => new Conv2D(4, 3, { padding: 'causal' })).toThrow(/Conv2D: padding/);
    expect(() => new Conv2D(4, 3, { strides: 2, dilationRate: 2 })).toThrow(ValueError);
    expect(() => new Conv2D(0, 3)).toThrow(/filters must be a positive integer/);
    expect(() => new Conv2D(4, [3, 3, 3])).toThrow(/kernelSize must be/);
    expect(() => new Sequential([new Conv2D(2, 5, { name: 'big', inputShape: [4, 9, 1] })])).toThrow(
      /layer 'big' \(Conv2D\) \[-1,4,9,1\]: a kernel of 5×5 \(dilation 1×1\) does not fit with padding 'valid'/,
    );
    const conv = new Conv2D(2, 3, { inputShape: [5, 5, 3] });
    new Sequential([conv]);
    expect(() => conv.apply(tensor(new Float32Array(50), [1, 5, 5, 2]))).toThrow(/expected last dimension 3/);
  });
});

forEachBackend('Conv2D computes with constant weights', (backend) => {
  it('sums each 2×2 window plus bias, then relu', () =>
    on(backend, () => {
      const conv = new Conv2D(2, 2, {
        activation: 'relu',
        kernelInitializer: new initializers.Constant({ value: 1 }),
        biasInitializer: new initializers.Constant({ value: -10 }),
      });
      // Hand-computed: windows of [[1,2,3],[4,5,6],[7,8,9]] sum to 12, 16, 24, 28; minus 10; relu.
      const y = conv.apply(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]));
      expect(y.shape).toEqual([1, 2, 2, 2]);
      expect(Array.from(y.dataSync())).toEqual([2, 2, 6, 6, 14, 14, 18, 18]);
    }));
  it('Conv1D with sigmoid (applied after the fused GEMM)', () =>
    on(backend, () => {
      const conv = new Conv1D(1, 2, {
        activation: 'sigmoid',
        kernelInitializer: new initializers.Constant({ value: 1 }),
      });
      const y = conv.apply(tensor([0, 1, -1], [1, 3, 1])).dataSync();
      expect(y[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
      expect(y[1]).toBeCloseTo(0.5, 6);
    }));
});
