import { describe, expect, it } from 'vitest';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Flatten } from './flatten.js';
import { Reshape } from './reshape.js';

describe('Flatten and Reshape', () => {
  it('flattens channels last, row-major, like Keras', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    const y = new Flatten().apply(x);
    expect(y.shape).toEqual([2, 4]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Sequential([new Flatten({ inputShape: [7, 7, 64] })]).outputShape).toEqual([null, 3136]);
    expect(Flatten.fromConfig(new Flatten().getConfig()).getConfig()).toMatchObject({
      data_format: 'channels_last',
    });
    expect(() => new Flatten({ dataFormat: 'channels_first' })).toThrow(/Flatten: dataFormat/);
  });
  it('reshapes with one inferred dim and names the layer on mismatch', () => {
    const r = new Reshape([-1, 4], { inputShape: [12] });
    expect(new Sequential([r]).outputShape).toEqual([null, 3, 4]);
    expect(r.apply(tensor(new Float32Array(24), [2, 12])).shape).toEqual([2, 3, 4]);
    expect(r.getConfig()).toMatchObject({ target_shape: [-1, 4] });
    expect(Reshape.fromConfig(r.getConfig()).getConfig()).toEqual(r.getConfig());
    expect(() => new Reshape([5], { name: 'r5' }).apply(tensor(new Float32Array(6), [1, 6]))).toThrow(
      /layer 'r5' \(Reshape\) \[1,6\]: cannot reshape 6 values per sample to \[5\]/,
    );
    expect(() => new Reshape([-1, -1])).toThrow(/at most one -1/);
    expect(() => new Reshape([-1, 4]).apply(tensor(new Float32Array(10), [1, 10]))).toThrow(/cannot reshape/);
  });
});
