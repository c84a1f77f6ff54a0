import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageSummary } from '../test-helpers.js';
import * as fashionMnist from './fashion-mnist.js';
import * as mnist from './mnist.js';

const shared = resolve(process.env.TENSILE_DATA_DIR ?? '../shared/data');

// Golden values from numpy 1.24 reading the IDX files directly:
//   def idx(path):
//       with gzip.open(path) as f: b = f.read()
//       nd = b[3]; dims = [int.from_bytes(b[4+4*i:8+4*i], 'big') for i in range(nd)]
//       return np.frombuffer(b, np.uint8, offset=4+4*nd).reshape(dims)
//   x = idx(d + f'{split}-images-idx3-ubyte.gz').astype(np.int64); y = idx(d + f'{split}-labels-idx1-ubyte.gz')
//   x.shape, x.sum(), (x.reshape(len(x), -1).sum(1) * np.arange(1, len(x) + 1)).sum(), np.bincount(y), y[:10]
const MNIST = {
  train: {
    shape: [60000, 28, 28],
    sum: 1567298545,
    weighted: 46843240943966,
    counts: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    y10: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
  },
  test: {
    shape: [10000, 28, 28],
    sum: 264923200,
    weighted: 1377285899477,
    counts: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    y10: [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
  },
};
const FASHION = {
  train: {
    shape: [60000, 28, 28],
    sum: 3431114169,
    weighted: 103055449636171,
    counts: new Array(10).fill(6000),
    y10: [9, 0, 0, 3, 0, 2, 7, 2, 5, 5],
  },
  test: {
    shape: [10000, 28, 28],
    sum: 573469082,
    weighted: 2867379403525,
    counts: new Array(10).fill(1000),
    y10: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7],
  },
};

const tmp = mkdtempSync(join(tmpdir(), 'tensile-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('mnist', () => {
  it('loads the IDX files as uint8 tensors equal to numpy (dtype uint8, as Keras returns them)', async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData();
    for (const t of [xTrain, yTrain, xTest, yTest]) expect(t.dtype).toBe('uint8');
    // One byte per pixel: 47 MB for the training images, not 188 MB.
    expect(xTrain.ref!.bytes).toBe(60000 * 28 * 28);
    expect(imageSummary(xTrain, yTrain)).toEqual(MNIST.train);
    expect(imageSummary(xTest, yTest)).toEqual(MNIST.test);
  });

  it('loads mnist.npz to the same arrays when no IDX files are there', async () => {
    // A directory holding only (a link to) mnist.npz, given flat as dataDir.
    symlinkSync(join(shared, 'mnist', 'mnist.npz'), join(tmp, 'mnist.npz'));
    const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData({ dataDir: tmp });
    for (const t of [xTrain, yTrain, xTest, yTest]) expect(t.dtype).toBe('uint8');
    expect(imageSummary(xTrain, yTrain)).toEqual(MNIST.train);
    expect(imageSummary(xTest, yTest)).toEqual(MNIST.test);
  });
});

describe('fashionMnist', () => {
  it('loads the IDX files as uint8 tensors equal to numpy', async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData();
    for (const t of [xTrain, yTrain, xTest, yTest]) expect(t.dtype).toBe('uint8');
    expect(imageSummary(xTrain, yTrain)).toEqual(FASHION.train);
    expect(imageSummary(xTest, yTest)).toEqual(FASHION.test);
  });
});
