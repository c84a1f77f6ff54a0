import { tensorFilledBy } from '../../engine/engine.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatError } from '../formats/bytes.js';
import { parseIdx } from '../formats/idx.js';
import { checkDigest, type DataOptions, type KnownFile, type LoadedFile, obtainFiles } from './files.js';

/** `[[xTrain, yTrain], [xTest, yTest]]`, as Keras' `load_data()` returns it. */
export type ImageData = [train: [x: Tensor, y: Tensor], test: [x: Tensor, y: Tensor]];

/** The four IDX files of an MNIST-style data set, gzipped and plain, with the digests of the originals. */
export interface IdxFileSet {
  readonly gz: readonly KnownFile[];
  readonly plain: readonly KnownFile[];
}

/**
 * Builds an IdxFileSet from [name, sha256 of .gz, sha256 of the uncompressed file] rows.
 *
 * @example
 * const files = idxFiles([['train-labels-idx1-ubyte', gzSha256, rawSha256]]);
 * files.gz[0].name; // 'train-labels-idx1-ubyte.gz'
 */
export function idxFiles(rows: readonly (readonly [string, string, string])[]): IdxFileSet {
  return {
    gz: rows.map(([name, gz]) => ({ name: `${name}.gz`, sha256: gz })),
    plain: rows.map(([name, , raw]) => ({ name, sha256: raw })),
  };
}

/** What imageSplit needs of a parsed IDX or .npy array. */
type Parsed = { readonly dtype: string; readonly shape: number[]; readonly data: unknown };

/**
 * Bytes as a uint8 tensor (Keras' arrays are uint8 too), copied once straight into backend memory:
 * MNIST's 47M pixels take 47 MB, not 188 MB as int32.
 */
function uint8Tensor(bytes: Uint8Array, shape: number[]): Tensor {
  return tensorFilledBy(shape, 'uint8', (view) => view.set(bytes));
}

/**
 * Checks one split's images [n, 28, 28] and labels [n] in 0..classes-1 and wraps them as uint8
 * tensors, the dtype of Keras' `load_data()` arrays.
 *
 * @example
 * const [x, y] = imageSplit(npz.get('x_train'), npz.get('y_train'), 'mnist.npz', 10);
 * console.log(x.shape, y.dtype); // [60000, 28, 28] 'uint8'
 */
export function imageSplit(x: Parsed, y: Parsed, where: string, classes: number): [Tensor, Tensor] {
  const [n, h, w] = x.shape;
  if (x.dtype !== 'uint8' || x.shape.length !== 3 || h !== 28 || w !== 28) {
    throw formatError(where, `images must be uint8 [n,28,28], got ${x.dtype} [${x.shape}]`);
  }
  if (y.dtype !== 'uint8' || y.shape.length !== 1 || y.shape[0] !== n) {
    throw formatError(where, `labels must be uint8 [${n}], got ${y.dtype} [${y.shape}]`);
  }
  const labels = y.data as Uint8Array;
  const bad = labels.findIndex((v) => v >= classes);
  if (bad >= 0) {
    throw formatError(where, `label ${labels[bad]} at index ${bad} is not a class 0..${classes - 1}`);
  }
  return [uint8Tensor(x.data as Uint8Array, x.shape), uint8Tensor(labels, [n!])];
}

/**
 * Loads the four IDX files (train images, train labels, test images, test labels, in that order).
 *
 * @example
 * const files = await obtainFiles('mnist', [IDX.gz], IDX.gz, {});
 * const [[xTrain, yTrain], [xTest, yTest]] = fromIdx(files, 10);
 */
export function fromIdx(files: LoadedFile[], classes: number): ImageData {
  // One split at a time: the training images' 47 MB of inflated bytes are garbage (and can be
  // collected) before the test files are inflated, which lowers the loader's peak memory.
  const split = (i: number) =>
    imageSplit(
      parseIdx(files[i]!.bytes, files[i]!.path),
      parseIdx(files[i + 1]!.bytes, files[i + 1]!.path),
      `${files[i]!.path}, ${files[i + 1]!.path}`,
      classes,
    );
  const train = split(0);
  const test = split(2);
  files.forEach(checkDigest);
  return [train, test];
}

/**
 * Loads an MNIST-style data set from its IDX files, found locally or downloaded.
 *
 * @example
 * const [[xTrain, yTrain]] = await loadIdxDataset('fashion-mnist', IDX, { dataDir: 'data' });
 */
export async function loadIdxDataset(
  dataset: string,
  files: IdxFileSet,
  options: DataOptions,
  classes = 10,
): Promise<ImageData> {
  const found = await obtainFiles(dataset, [files.gz, files.plain], files.gz, options);
  return fromIdx(found, classes);
}
