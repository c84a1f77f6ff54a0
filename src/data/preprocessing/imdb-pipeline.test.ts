import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../tensor/tensor.js';
import * as imdb from '../datasets/imdb.js';
import { seqSummary } from '../test-helpers.js';
import { padSequences } from './pad-sequences.js';
import { trainTestSplit } from './train-test-split.js';

// The Keras user's pipeline, with goldens from numpy 1.24 + scikit-learn 1.2 (load_data and summary as in
// src/data/datasets/imdb.test.ts; pad_sequences reimplemented from keras/src/utils/sequence_utils.py):
//   def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
//       x = np.full((len(sequences), maxlen), value, dtype=dtype)
//       for i, s in enumerate(sequences):
//           if not len(s): continue
//           trunc = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
//           if padding == "post": x[i, :len(trunc)] = trunc
//           else: x[i, -len(trunc):] = trunc
//       return x
//   (xtr, ytr), _ = load_data(num_words=500)
//   Xtr, Xva, Ytr, Yva = train_test_split(xtr, ytr, test_size=0.2, random_state=42)
//   summary(Xtr, Ytr); summary(Xva, Yva); [len(x) for x in Xva[:5]]; Xva[0][:10]
//   Xtr2, Xva2, Ytr2, Yva2 = train_test_split(xtr, ytr, test_size=0.2, random_state=42, stratify=ytr)
//   summary(Xtr2, Ytr2); summary(Xva2, Yva2)
//   P = pad_sequences(Xtr, maxlen=100); P.shape, P.sum(), (P * np.arange(1, 101)).sum(), P[0]
//   (the same with padding='post', truncating='post')
let xTrain: number[][];
let yTrain: Tensor;
beforeAll(async () => {
  [[xTrain, yTrain]] = await imdb.loadData({ numWords: 500 });
});

const weightedSum = (t: Tensor): [number, number] => {
  const v = t.dataSync();
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < v.length; i++) {
    sum += v[i]!;
    weighted += v[i]! * ((i % t.shape[1]!) + 1);
  }
  return [sum, weighted];
};

describe('imdb → trainTestSplit → padSequences, number for number with Keras + scikit-learn', () => {
  it('splits IMDB train with randomState 42 exactly as train_test_split', () => {
    const [xTr, xVa, yTr, yVa] = trainTestSplit(xTrain, yTrain, { testSize: 0.2, randomState: 42 });
    expect(seqSummary(xTr, yTr)).toEqual({
      n: 20000,
      y_sum: 9937,
      y10: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
      len_sum: 4780185,
      tok_sum: 279322740,
      oov: 1466588,
      weighted: 2790271993448,
    });
    expect(seqSummary(xVa, yVa)).toEqual({
      n: 5000,
      y_sum: 2563,
      y10: [0, 1, 0, 1, 0, 0, 0, 0, 1, 1],
      len_sum: 1187656,
      tok_sum: 69056074,
      oov: 369422,
      weighted: 174525403108,
    });
    expect(xVa.slice(0, 5).map((x) => x.length)).toEqual([201, 326, 84, 205, 133]);
    expect(xVa[0]!.slice(0, 10)).toEqual([1, 225, 6, 2, 2, 200, 2, 35, 204, 2]);

    const pre = padSequences(xTr, { maxlen: 100 });
    expect(pre.shape).toEqual([20000, 100]);
    expect(pre.dtype).toBe('int32');
    expect(weightedSum(pre)).toEqual([117371069, 6136526599]);
    expect((pre.toArray() as number[][])[0]!.slice(0, 12)).toEqual([
      10, 4, 20, 9, 2, 364, 352, 5, 45, 6, 2, 2,
    ]);
    const post = padSequences(xTr, { maxlen: 100, padding: 'post', truncating: 'post' });
    expect(weightedSum(post)).toEqual([113246488, 5633423732]);
  });

  it('stratified split keeps the label balance exactly as StratifiedShuffleSplit', () => {
    const [xTr, xVa, yTr, yVa] = trainTestSplit(xTrain, yTrain, {
      testSize: 0.2,
      randomState: 42,
      stratify: yTrain,
    });
    expect(seqSummary(xTr, yTr)).toEqual({
      n: 20000,
      y_sum: 10000,
      y10: [1, 0, 1, 1, 1, 1, 0, 1, 1, 1],
      len_sum: 4769868,
      tok_sum: 278552638,
      oov: 1468378,
      weighted: 2784846568681,
    });
    expect(seqSummary(xVa, yVa)).toEqual({
      n: 5000,
      y_sum: 2500,
      y10: [1, 1, 0, 0, 1, 0, 1, 0, 0, 1],
      len_sum: 1197973,
      tok_sum: 69826176,
      oov: 367632,
      weighted: 175262569021,
    });
  });
});
