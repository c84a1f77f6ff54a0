import { describe, expect, it } from 'vitest';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from './global-pooling.js';
import { clearSession } from './layer.js';
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from './pooling.js';
import { setKerasMask } from './rnn/masking.js';

const grid = () => tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);

forEachBackend('pooling layers', (backend) => {
  it('window pools: valid, same (padding not counted), strides', () =>
    on(backend, () => {
      // Hand-computed on [[1,2,3],[4,5,6],[7,8,9]]; the 1-D same pool of 3 pads one step each side.
      expect(Array.from(new MaxPooling2D(2).apply(grid()).dataSync())).toEqual([5]);
      expect(Array.from(new MaxPooling2D(2, { padding: 'same' }).apply(grid()).dataSync())).toEqual([
        5, 6, 8, 9,
      ]);
      expect(Array.from(new AveragePooling2D(2, { padding: 'same' }).apply(grid()).dataSync())).toEqual([
        3, 4.5, 7.5, 9,
      ]);
      expect(Array.from(new AveragePooling2D(2, { strides: 1 }).apply(grid()).dataSync())).toEqual([
        3, 4, 6, 7,
      ]);
      const seq = tensor([3, 1, 4, 1, 5, 9, 2], [1, 7, 1]);
      expect(Array.from(new MaxPooling1D(2).apply(seq).dataSync())).toEqual([3, 4, 9]);
      expect(
        Array.from(new AveragePooling1D(3, { strides: 2, padding: 'same' }).apply(seq).dataSync()),
      ).toEqual([2, 2, 5, 5.5]);
    }));
  it('global pools, keepdims, and the masked 1-D average', () =>
    on(backend, () => {
      expect(Array.from(new GlobalMaxPooling2D().apply(grid()).dataSync())).toEqual([9]);
      expect(new GlobalAveragePooling2D({ keepdims: true }).apply(grid()).shape).toEqual([1, 1, 1, 1]);
      const x = tensor([1, 10, 2, 20, 6, 60], [1, 3, 2]);
      expect(Array.from(new GlobalAveragePooling1D().apply(x).dataSync())).toEqual([3, 30]);
      expect(Array.from(new GlobalMaxPooling1D().apply(x).dataSync())).toEqual([6, 60]);
      setKerasMask(x, tensor([[1, 1, 0]], undefined, 'int32'));
      expect(Array.from(new GlobalAveragePooling1D().apply(x).dataSync())).toEqual([1.5, 15]);
    }));
});

describe('pooling layers: Keras names, shapes and configs', () => {
  it('names, output shapes and config round trips', () => {
    clearSession();
    const layers = [
      new MaxPooling2D(2, { inputShape: [28, 27, 3] }),
      new AveragePooling2D([3, 2], { padding: 'same', strides: 1 }),
      new GlobalAveragePooling2D(),
    ];
    expect(layers.map((l) => l.name)).toEqual([
      'max_pooling2d',
      'average_pooling2d',
      'global_average_pooling2d',
    ]);
    const m = new Sequential(layers);
    expect(m.summary({ print: false })).toMatch(/max_pooling2d \(MaxPooling2D\)\s+│ \(None, 14, 13, 3\)/);
    expect(m.outputShape).toEqual([null, 3]);
    expect(layers[0]!.getConfig()).toMatchObject({
      pool_size: [2, 2],
      strides: [2, 2],
      padding: 'valid',
      data_format: 'channels_last',
    });
    expect(MaxPooling2D.fromConfig(layers[0]!.getConfig()).getConfig()).toEqual(layers[0]!.getConfig());
    expect(AveragePooling2D.fromConfig(layers[1]!.getConfig()).getConfig()).toEqual(layers[1]!.getConfig());
    const g = new GlobalMaxPooling1D({ keepdims: true });
    expect(g.getConfig()).toMatchObject({ keepdims: true, data_format: 'channels_last' });
    expect(GlobalMaxPooling1D.fromConfig(g.getConfig()).getConfig()).toEqual(g.getConfig());
    expect(new MaxPooling1D(3).getConfig()).toMatchObject({ pool_size: [3], strides: [3] });
  });
  it('refuses bad options and inputs by name', () => {
    expect(() => new MaxPooling2D(2, { dataFormat: 'channels_first' })).toThrow(/MaxPooling2D: dataFormat/);
    expect(() => new AveragePooling1D(0)).toThrow(/AveragePooling1D: poolSize/);
    expect(() => new MaxPooling2D(2).apply(tensor([1, 2], [1, 2]))).toThrow(
      /\(MaxPooling2D\) \[1,2\]: expected rank 4/,
    );
  });
});
