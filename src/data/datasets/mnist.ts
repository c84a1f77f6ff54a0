import { readNpz } from '../formats/npz.js';
import { checkDigest, type DataOptions, type KnownFile, obtainFiles } from './files.js';
import { fromIdx, type ImageData, idxFiles, imageSplit } from './image-data.js';

// Digests of LeCun's original IDX files (MD5s as published; SHA-256s as torchvision publishes them),
// gzipped and uncompressed.
const IDX = idxFiles([
  [
    'train-images-idx3-ubyte',
    '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  ],
  [
    'train-labels-idx1-ubyte',
    '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  ],
  [
    't10k-images-idx3-ubyte',
    '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  ],
  [
    't10k-labels-idx1-ubyte',
    'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  ],
]);

/** Keras' mnist.npz (its `file_hash`), plus the content-identical rebuild in the team's data folder. */
const NPZ: KnownFile = {
  name: 'mnist.npz',
  sha256: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1',
  alsoAccepted: ['4fdf330d37cae9312a9108f9c9b0d7413d3df09b6ede234142411af26c721825'],
};

/**
 * Loads MNIST: 60,000 training and 10,000 test images of handwritten digits, as uint8 tensors like
 * Keras' arrays: x [n, 28, 28] with pixels 0..255 and y [n] with digits 0..9. Scale with
 * `div(x, 255)` (float32, straight from the bytes), or pass the bytes to `fit`, which casts each
 * batch to float32. The IDX files are used when present,
 * else mnist.npz; a download fetches Keras' mnist.npz.
 *
 * @example
 * import { datasets } from 'tensile';
 * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.mnist.loadData();
 * console.log(xTrain.shape, yTest.shape); // [60000, 28, 28] [10000]
 */
export async function loadData(options: DataOptions = {}): Promise<ImageData> {
  const found = await obtainFiles('mnist', [IDX.gz, IDX.plain, [NPZ]], [NPZ], options);
  if (found.length === 4) return fromIdx(found, 10);
  const file = found[0]!;
  const npz = readNpz(file.bytes, file.path);
  const train = imageSplit(npz.get('x_train'), npz.get('y_train'), file.path, 10);
  const test = imageSplit(npz.get('x_test'), npz.get('y_test'), file.path, 10);
  checkDigest(file);
  return [train, test];
}
