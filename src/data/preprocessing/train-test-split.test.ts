import { describe, expect, it } from 'vitest';
import { ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import { RandomState } from '../../random/random-state.js';
import { Tensor } from '../../tensor/tensor.js';
import { trainTestSplit } from './train-test-split.js';

const X = Array.from({ length: 20 }, (_, i) => i);

describe('trainTestSplit matches scikit-learn 1.2', () => {
  it('unstratified splits: fractions, counts and defaults', () => {
    // from sklearn.model_selection import train_test_split; X = np.arange(20)
    // train_test_split(X, test_size=0.25, random_state=0)
    expect(trainTestSplit(X, { testSize: 0.25, randomState: 0 })).toEqual([
      [17, 6, 13, 4, 2, 5, 14, 9, 7, 16, 11, 3, 0, 15, 12],
      [18, 1, 19, 8, 10],
    ]);
    // train_test_split(X, train_size=0.5, random_state=1)
    expect(trainTestSplit(X, { trainSize: 0.5, randomState: 1 })).toEqual([
      [13, 0, 19, 18, 9, 15, 8, 12, 11, 5],
      [3, 16, 6, 10, 2, 14, 4, 17, 7, 1],
    ]);
    // train_test_split(X, test_size=3, train_size=10, random_state=7)
    expect(trainTestSplit(X, { testSize: 3, trainSize: 10, randomState: 7 })).toEqual([
      [5, 11, 0, 18, 6, 13, 19, 10, 14, 8],
      [1, 17, 2],
    ]);
    // train_test_split(X, random_state=5)  (default test_size 0.25)
    expect(trainTestSplit(X, { randomState: 5 })).toEqual([
      [1, 11, 10, 13, 18, 7, 4, 8, 9, 0, 16, 6, 15, 14, 3],
      [2, 5, 17, 19, 12],
    ]);
    // train_test_split(X, test_size=0.2, shuffle=False)
    expect(trainTestSplit(X, { testSize: 0.2, shuffle: false })).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      [16, 17, 18, 19],
    ]);
  });

  it('stratified splits, numeric and string labels, with ties broken by the same draws', () => {
    // y = np.array([0]*7 + [1]*5 + [2]*8)
    // train_test_split(X, y, test_size=0.3, random_state=3, stratify=y)
    const y = [...Array(7).fill(0), ...Array(5).fill(1), ...Array(8).fill(2)];
    expect(trainTestSplit(X, y, { testSize: 0.3, randomState: 3, stratify: y })).toEqual([
      [19, 18, 17, 3, 11, 16, 13, 5, 6, 12, 10, 1, 4, 9],
      [14, 15, 0, 2, 8, 7],
      [2, 2, 2, 0, 1, 2, 2, 0, 0, 2, 1, 0, 0, 1],
      [2, 2, 0, 0, 1, 1],
    ]);
    // y2 = np.array([3, 1, 2] * 5 + [1, 2, 1, 2, 1])
    // train_test_split(X, test_size=7, random_state=11, stratify=y2)
    const y2 = [...Array(5).fill([3, 1, 2]).flat(), 1, 2, 1, 2, 1];
    expect(trainTestSplit(X, { testSize: 7, randomState: 11, stratify: y2 })).toEqual([
      [9, 18, 16, 7, 15, 6, 12, 14, 2, 11, 17, 13, 19],
      [3, 1, 10, 5, 4, 0, 8],
    ]);
    // ys = np.array(['b', 'a', 'c', 'a'] * 5)
    // train_test_split(X, ys, test_size=0.4, random_state=2, stratify=ys)
    const ys = Array(5).fill(['b', 'a', 'c', 'a']).flat() as string[];
    const [xTr, xTe] = trainTestSplit(X, ys, { testSize: 0.4, randomState: 2, stratify: ys });
    expect([xTr, xTe]).toEqual([
      [8, 14, 9, 5, 3, 11, 10, 0, 6, 15, 16, 1],
      [2, 13, 18, 19, 4, 7, 12, 17],
    ]);
    // y3 = np.array([0]*9 + [1]*9 + [2]*2)
    // train_test_split(X, test_size=0.15, random_state=4, stratify=y3)
    const y3 = [...Array(9).fill(0), ...Array(9).fill(1), 2, 2];
    expect(
      trainTestSplit(X, { testSize: 0.15, randomState: 4, stratify: tensor(y3, undefined, 'int32') }),
    ).toEqual([
      [14, 10, 4, 19, 6, 15, 12, 18, 1, 11, 9, 0, 17, 3, 2, 8, 13],
      [16, 7, 5],
    ]);
  });

  it('splits tensors, typed arrays and object arrays along axis 0, keeping their kind', () => {
    const x = tensor(
      X.flatMap((i) => [i, -i]),
      [20, 2],
      'int32',
    );
    const f = Float64Array.from(X, (i) => i / 2);
    const [xTr, xTe, fTr, fTe] = trainTestSplit(x, f, { testSize: 0.25, randomState: 0 });
    expect(xTr).toBeInstanceOf(Tensor);
    expect(xTe.shape).toEqual([5, 2]);
    expect(xTe.dtype).toBe('int32');
    expect(xTe.toArray()).toEqual([18, 1, 19, 8, 10].map((i) => [i, -i]));
    expect(fTe).toBeInstanceOf(Float64Array);
    expect([...fTe]).toEqual([9, 0.5, 9.5, 4, 5]);
    expect(fTr.length).toBe(15);
    expect(xTr.shape).toEqual([15, 2]);
  });

  it('draws from a given RandomState and continues its stream', () => {
    const rng = new RandomState(0);
    const [, first] = trainTestSplit(X, { testSize: 5, randomState: rng });
    const [, second] = trainTestSplit(X, { testSize: 5, randomState: rng });
    expect(first).toEqual([18, 1, 19, 8, 10]);
    expect(second).not.toEqual(first);
  });

  it('gives scikit-learn’s errors for bad sizes and inputs', () => {
    expect(() => trainTestSplit(X, { testSize: 1.5 })).toThrow(/test_size=1.5 should be either positive/);
    expect(() => trainTestSplit(X, { testSize: 20 })).toThrow(ValueError);
    expect(() => trainTestSplit(X, { trainSize: 0 })).toThrow(/train_size=0/);
    expect(() => trainTestSplit(X, { testSize: 0.6, trainSize: 0.6 })).toThrow(
      /sum of test_size and train_size/,
    );
    expect(() => trainTestSplit(X, { testSize: 15, trainSize: 10 })).toThrow(
      /should be smaller than the number/,
    );
    expect(() => trainTestSplit(X, [1, 2])).toThrow(/inconsistent numbers of samples: \[20,2\]/);
    expect(() => trainTestSplit()).toThrow(/at least one array/);
    expect(() => trainTestSplit(X, { stratify: X, shuffle: false })).toThrow(/shuffle=False/);
    expect(() => trainTestSplit(X, { stratify: X })).toThrow(/least populated class/);
    expect(() => trainTestSplit(X, { testSize: 2, stratify: X.map((i) => i % 4) })).toThrow(
      /test_size = 2 should be/,
    );
  });
});
