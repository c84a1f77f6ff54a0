/**
 * Data sets, file formats and preprocessing that reproduce Keras and scikit-learn exactly.
 *
 * @example
 * import { datasets, padSequences, trainTestSplit } from 'tensile';
 * const [[xTrain, yTrain]] = await datasets.imdb.loadData({ numWords: 500 });
 * const [xTr, xVal, yTr, yVal] = trainTestSplit(xTrain, yTrain, { testSize: 0.2, randomState: 42 });
 * const x = padSequences(xTr, { maxlen: 100 });
 * console.log(x.shape); // [20000, 100]
 */
import * as fashionMnist from './datasets/fashion-mnist.js';
import * as imdb from './datasets/imdb.js';
import * as mnist from './datasets/mnist.js';

/**
 * The built-in data sets, as Keras' `keras.datasets`: `mnist`, `fashionMnist` and `imdb`.
 *
 * @example
 * import { datasets } from 'tensile';
 * console.log(Object.keys(datasets)); // [mnist, fashionMnist, imdb]
 */
export const datasets = { mnist, fashionMnist, imdb } as const;

export { RandomState } from '../random/random-state.js';
export type { DataOptions } from './datasets/files.js';
export type { ImageData } from './datasets/image-data.js';
export type { ImdbData, ImdbOptions } from './datasets/imdb.js';
export type { ImdbSequenceOptions } from './datasets/imdb-words.js';
export { DataFormatError, DownloadError } from './errors.js';
export { type PadOptions, padSequences } from './preprocessing/pad-sequences.js';
export { toCategorical } from './preprocessing/to-categorical.js';
export {
  type SplitOptions,
  type SplitResult,
  type Splittable,
  trainTestSplit,
} from './preprocessing/train-test-split.js';
