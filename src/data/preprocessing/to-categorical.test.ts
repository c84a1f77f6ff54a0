import { describe, expect, it } from 'vitest';
import { ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import { toCategorical } from './to-categorical.js';

describe('toCategorical', () => {
  it('one-hot encodes arrays and tensors as float32, like Keras', () => {
    const y = toCategorical([0, 2, 1]);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(toCategorical(new Int32Array([1]), 4).toArray()).toEqual([[0, 1, 0, 0]]);
    // keras.utils.to_categorical drops a trailing axis of size 1: shape (2, 1) -> (2, 3)
    expect(toCategorical(tensor([[2], [0]], undefined, 'int32'), 3).shape).toEqual([2, 3]);
    // and keeps other axes: shape (2, 2) -> (2, 2, 2)
    expect(
      toCategorical(
        tensor(
          [
            [1, 0],
            [0, 1],
          ],
          undefined,
          'int32',
        ),
      ).shape,
    ).toEqual([2, 2, 2]);
  });

  it('names the label that is out of range', () => {
    expect(() => toCategorical([0, 3], 3)).toThrow(/label 3 at index 1 is not in \[0, 3\)/);
    expect(() => toCategorical([0, -1], 3)).toThrow(ValueError);
    expect(() => toCategorical([0.5])).toThrow(/label 0.5 at index 0/);
    expect(() => toCategorical([], undefined)).toThrow(/no labels/);
    expect(() => toCategorical([1], 0)).toThrow(/numClasses/);
  });
});
