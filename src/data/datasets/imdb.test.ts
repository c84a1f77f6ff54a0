import { describe, expect, it } from 'vitest';
import { ValueError } from '../../errors.js';
import { seqSummary } from '../test-helpers.js';
import * as imdb from './imdb.js';

// Golden values: Keras' imdb.load_data reimplemented with numpy 1.24 (Keras is not installed):
//   def load_data(num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3):
//       with np.load('/work/shared/data/imdb/imdb.npz', allow_pickle=True) as f:
//           x_train, labels_train, x_test, labels_test = f['x_train'], f['y_train'], f['x_test'], f['y_test']
//       rng = np.random.RandomState(seed)
//       indices = np.arange(len(x_train)); rng.shuffle(indices)
//       x_train, labels_train = x_train[indices], labels_train[indices]
//       indices = np.arange(len(x_test)); rng.shuffle(indices)
//       x_test, labels_test = x_test[indices], labels_test[indices]
//       if start_char is not None:
//           x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
//           x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
//       else:
//           x_train = [[w + index_from for w in x] for x in x_train]
//           x_test = [[w + index_from for w in x] for x in x_test]
//       if maxlen:
//           keep = lambda xs, ys: ([x for x in xs if len(x) < maxlen], [y for x, y in zip(xs, ys) if len(x) < maxlen])
//           x_train, labels_train = keep(x_train, labels_train)
//           x_test, labels_test = keep(x_test, labels_test)
//       xs = x_train + x_test
//       labels = np.concatenate([labels_train, labels_test])
//       if not num_words:
//           num_words = max(max(x) for x in xs)
//       if oov_char is not None:
//           xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
//       else:
//           xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
//       idx = len(x_train)
//       return (xs[:idx], labels[:idx]), (xs[idx:], labels[idx:])
//   def summary(xs, ys):
//       return dict(n=len(xs), y_sum=int(np.sum(ys)), y10=[int(v) for v in ys[:10]],
//                   len_sum=sum(len(x) for x in xs), tok_sum=sum(sum(x) for x in xs),
//                   oov=sum(x.count(2) for x in xs), weighted=sum((i + 1) * sum(x) for i, x in enumerate(xs)))
//   (xtr, ytr), (xte, yte) = load_data(num_words=500); summary(xtr, ytr); summary(xte, yte); xtr[0]; xte[0][:20]
const A = {
  train: {
    n: 25000,
    y_sum: 12500,
    y10: [1, 0, 0, 1, 0, 0, 1, 0, 1, 0],
    len_sum: 5967841,
    tok_sum: 348378814,
    oov: 1836010,
    weighted: 4355425079920,
  },
  test: {
    n: 25000,
    y_sum: 12500,
    y10: [0, 1, 1, 0, 1, 1, 1, 0, 0, 1],
    len_sum: 5770105,
    tok_sum: 340906746,
    oov: 1725891,
    weighted: 4259863279082,
  },
  xTrain0: [
    1, 14, 22, 16, 43, 2, 2, 2, 2, 65, 458, 2, 66, 2, 4, 173, 36, 256, 5, 25, 100, 43, 2, 112, 50, 2, 2, 9,
    35, 480, 284, 5, 150, 4, 172, 112, 167, 2, 336, 385, 39, 4, 172, 2, 2, 17, 2, 38, 13, 447, 4, 192, 50, 16,
    6, 147, 2, 19, 14, 22, 4, 2, 2, 469, 4, 22, 71, 87, 12, 16, 43, 2, 38, 76, 15, 13, 2, 4, 22, 17, 2, 17,
    12, 16, 2, 18, 2, 5, 62, 386, 12, 8, 316, 8, 106, 5, 4, 2, 2, 16, 480, 66, 2, 33, 4, 130, 12, 16, 38, 2,
    5, 25, 124, 51, 36, 135, 48, 25, 2, 33, 6, 22, 12, 215, 28, 77, 52, 5, 14, 407, 16, 82, 2, 8, 4, 107, 117,
    2, 15, 256, 4, 2, 7, 2, 5, 2, 36, 71, 43, 2, 476, 26, 400, 317, 46, 7, 4, 2, 2, 13, 104, 88, 4, 381, 15,
    297, 98, 32, 2, 56, 26, 141, 6, 194, 2, 18, 4, 226, 22, 21, 134, 476, 26, 480, 5, 144, 30, 2, 18, 51, 36,
    28, 224, 92, 25, 104, 4, 226, 65, 16, 38, 2, 88, 12, 16, 283, 5, 16, 2, 113, 103, 32, 15, 16, 2, 19, 178,
    32,
  ],
  xTest0Head: [1, 2, 202, 14, 31, 6, 2, 10, 10, 2, 2, 5, 4, 360, 7, 4, 177, 2, 394, 354],
};

describe('imdb.loadData matches Keras', () => {
  it('numWords 500: shuffled with RandomState(113), start 1, OOV 2, index_from 3', async () => {
    const t0 = performance.now();
    const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData({ numWords: 500 });
    expect(performance.now() - t0).toBeLessThan(20_000); // a hang guard, not a benchmark
    expect(yTrain.dtype).toBe('int32');
    expect(yTrain.shape).toEqual([25000]);
    expect(xTrain[0]).toEqual(A.xTrain0);
    expect(xTest[0]!.slice(0, 20)).toEqual(A.xTest0Head);
    expect(seqSummary(xTrain, yTrain)).toEqual(A.train);
    expect(seqSummary(xTest, yTest)).toEqual(A.test);
  });

  it('defaults: numWords becomes the largest value, which itself turns into OOV (as in Keras)', async () => {
    // (a, b), (c, d) = load_data(); summary(a, b); summary(c, d)
    const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData();
    expect(seqSummary(xTrain, yTrain)).toEqual({
      ...A.train,
      tok_sum: 13444425352,
      oov: 1,
      weighted: 167570083472221,
    });
    expect(seqSummary(xTest, yTest)).toEqual({
      ...A.test,
      tok_sum: 11575689090,
      oov: 0,
      weighted: 144533446311825,
    });
    // The tutorial's first review (it uses num_words=10000; these words are all frequent):
    // rev = {v: k for k, v in wi.items()}; ' '.join(rev.get(i - 3, '?') for i in xtr[0][:12])
    expect(await imdb.decode(xTrain[0]!.slice(0, 12))).toBe(
      "? this film was just brilliant casting location scenery story direction everyone's",
    );
  });

  it('skipTop, maxlen, oovChar null and startChar null', async () => {
    // (a, b), (c, d) = load_data(num_words=1000, skip_top=20, maxlen=200, oov_char=None, start_char=None)
    // summary(a, b); summary(c, d); a[0][:15]
    const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData({
      numWords: 1000,
      skipTop: 20,
      maxlen: 200,
      oovChar: null,
      startChar: null,
    });
    expect(seqSummary(xTrain, yTrain)).toEqual({
      n: 14323,
      y_sum: 7106,
      y10: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
      len_sum: 920219,
      tok_sum: 205749216,
      oov: 0,
      weighted: 1478483608888,
    });
    expect(seqSummary(xTest, yTest)).toEqual({
      n: 14732,
      y_sum: 7456,
      y10: [0, 0, 1, 1, 0, 0, 1, 1, 0, 0],
      len_sum: 946032,
      tok_sum: 211216566,
      oov: 0,
      weighted: 1558956839107,
    });
    expect(xTrain[0]!.slice(0, 15)).toEqual([
      194, 194, 78, 228, 134, 26, 715, 118, 394, 20, 119, 954, 189, 102, 207,
    ]);
  });

  it('rejects bad options and a maxlen that keeps nothing', async () => {
    await expect(imdb.loadData({ numWords: -1 })).rejects.toThrow(ValueError);
    await expect(imdb.loadData({ seed: 1.5 })).rejects.toThrow(/seed must be a non-negative integer/);
    await expect(imdb.loadData({ maxlen: 2 })).rejects.toThrow(/no sequence was kept/);
  });
});

describe('imdb word index, decode and encode', () => {
  it('reads the word index into a Map (safe for words like "constructor")', async () => {
    // wi = json.load(open('imdb_word_index.json')); len(wi), wi['the'], wi['constructor']
    const index = await imdb.getWordIndex();
    expect(index.size).toBe(88584);
    expect(index.get('the')).toBe(1);
    expect(index.get('constructor')).toBe(74661);
  });

  it('decodes as the Keras tutorial prints it: reserved and unknown values become ?', async () => {
    expect(await imdb.decode([0, 1, 2, 4, 1e9])).toBe('? ? ? the ?');
  });

  it('encodes new text with the data set tokenization and Keras OOV rule', async () => {
    // tokenize: A-Z lower-cased; '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n' -> ' '; split(' '); drop ''
    // ranks = [wi[t] for t in toks if t in wi]; seq = [1] + [r + 3 for r in ranks]
    // seq = [w if 0 <= w < 10000 else 2 for w in seq]
    const text = "This movie was GREAT!<br /><br />I'd watch it again... 10/10, zzyzxqq Straße";
    expect(await imdb.encode(text, { numWords: 10000 })).toEqual([
      1, 14, 20, 16, 87, 10, 10, 474, 106, 12, 174, 158, 158,
    ]);
    expect(await imdb.encode('the', { startChar: null })).toEqual([4]);
  });
});
