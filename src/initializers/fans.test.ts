import { describe, expect, it } from 'vitest';
import { computeFans } from './fans.js';

// Golden values from Keras 3 `keras/src/initializers/random_initializers.py`:
//   from keras.src.initializers.random_initializers import compute_fans
//   [compute_fans(s) for s in [(), (5,), (4, 7), (3, 5, 7), (2, 3, 5, 7)]]
//   → [(1, 1), (5, 5), (4, 7), (15, 21), (30, 42)]
describe('computeFans', () => {
  it.each([
    [[], 1, 1],
    [[5], 5, 5],
    [[4, 7], 4, 7],
    [[3, 5, 7], 15, 21],
    [[2, 3, 5, 7], 30, 42],
    [[3, 3, 16, 32], 144, 288],
  ])('shape %j → fanIn %i, fanOut %i', (shape, fanIn, fanOut) => {
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
  });
});
