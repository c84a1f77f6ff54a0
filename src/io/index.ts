import { closeSync, openSync, readSync } from 'node:fs';
import type { Model } from '../models/model.js';
import { asModelFileError, ModelFileError } from './errors.js';
import { readH5, readH5Bytes } from './hdf5.js';
import { loadKeras, readKerasZip, readWeightsLayout, saveKeras, saveWeightsH5 } from './keras-format.js';
import { loadLegacyH5, loadLegacyWeightsH5, saveLegacyH5 } from './legacy-h5.js';
import type { LayerClass } from './registry.js';

export { ModelFileError } from './errors.js';
export type { LayerClass } from './registry.js';

/**
 * Options of loadModel.
 *
 * @example
 * import { Dense, Sequential, loadModel } from 'tensile';
 * await new Sequential([new Dense(2, { inputShape: [3] })]).save('runs/doc/plain.h5');
 * const model = await loadModel('runs/doc/plain.h5', { compile: false });
 */
export interface LoadModelOptions {
  /** Compile with the saved optimizer, loss and metrics and restore the optimizer state (default true). */
  compile?: boolean;
  /** Layer classes Tensile does not have, keyed by Keras class name (Keras' `custom_objects`). */
  customObjects?: Record<string, LayerClass>;
}

/**
 * The container format from the file's first bytes, not its name (HDF5 files named `.keras` exist):
 * a zip archive starts with `PK\x03\x04` (`PK\x05\x06` when empty), anything else goes to the HDF5
 * reader, which finds the `\x89HDF\r\n\x1a\n` signature at offset 0, 512, 1024, ...
 */
function isZip(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ModelFileError(`${path}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  try {
    const head = new Uint8Array(4);
    readSync(fd, head, 0, 4, 0);
    return (
      head[0] === 0x50 &&
      head[1] === 0x4b &&
      ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
    );
  } finally {
    closeSync(fd);
  }
}

/** Names both formats when a file is neither, with its first bytes. */
function neitherFormat(path: string, e: unknown): unknown {
  if (!(e instanceof ModelFileError) || !/not an HDF5 file/.test(e.message)) return e;
  const fd = openSync(path, 'r');
  const head = new Uint8Array(8);
  const n = readSync(fd, head, 0, 8, 0);
  closeSync(fd);
  const hex = Array.from(head.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new ModelFileError(
    `${path}: neither a .keras zip archive (starts with 50 4b 03 04) nor an HDF5 file (89 48 44 46 0d 0a 1a 0a); ` +
      `it starts with ${hex || 'nothing (empty file)'}`,
  );
}

/**
 * Saves a model, atomically: `.keras` writes the Keras 3 format (zip of config, metadata and weights
 * with optimizer state), `.h5` the legacy Keras HDF5 format. Keras loads both.
 *
 * @example
 * import { Sequential, Dense, saveModel } from 'tensile';
 * const model = new Sequential([new Dense(1, { inputShape: [3] })]);
 * await saveModel(model, 'runs/doc/model.keras');
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  if (path.endsWith('.weights.h5')) {
    throw new ModelFileError(
      `${path}: this is a weights file name; save weights with model.saveWeights(path)`,
    );
  }
  if (path.endsWith('.keras')) return saveKeras(model, path);
  if (path.endsWith('.h5') || path.endsWith('.hdf5')) return saveLegacyH5(model, path);
  throw new ModelFileError(
    `${path}: expected a file name ending in .keras (Keras 3 format) or .h5 (legacy HDF5)`,
  );
}

/**
 * Loads a Sequential or Functional model from a `.keras` or legacy `.h5` file written by Keras or Tensile, compiled
 * and with its optimizer state when the file has them, so `fit(..., { initialEpoch })` resumes. The
 * model is built on the selected backend, like any new model.
 *
 * @example
 * import { Sequential, Dense, loadModel } from 'tensile';
 * const model = new Sequential([new Dense(2, { activation: 'softmax', inputShape: [3] })]);
 * model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
 * await model.save('runs/doc/best.keras');
 * const best = await loadModel('runs/doc/best.keras');
 * console.log(best.optimizer.className, best.layers[0].name === model.layers[0].name); // Adam true
 */
export async function loadModel(path: string, opts: LoadModelOptions = {}): Promise<Model> {
  const zip = isZip(path);
  try {
    return await (zip ? loadKeras(path, opts) : loadLegacyH5(path, opts));
  } catch (e) {
    const error = asModelFileError(e, path);
    throw zip ? error : neitherFormat(path, error);
  }
}

/**
 * Saves the weights and optimizer state in Keras 3's `.weights.h5` layout, atomically.
 *
 * @example
 * import { Sequential, Dense, saveWeights } from 'tensile';
 * const model = new Sequential([new Dense(1, { inputShape: [3] })]);
 * await saveWeights(model, 'runs/doc/model.weights.h5');
 */
export async function saveWeights(model: Model, path: string): Promise<void> {
  if (!path.endsWith('.weights.h5')) {
    throw new ModelFileError(`${path}: a weights file name must end in .weights.h5 (Keras' weights format)`);
  }
  await saveWeightsH5(model, path);
}

/**
 * Loads weights into a built model from a `.weights.h5`, `.keras` or legacy `.h5` file (layer
 * order and shapes must match; the Keras 3 layouts also restore the optimizer state).
 *
 * @example
 * import { Sequential, Dense, loadWeights } from 'tensile';
 * const a = new Sequential([new Dense(1, { inputShape: [3] })]);
 * await a.saveWeights('runs/doc/a.weights.h5');
 * const b = new Sequential([new Dense(1, { inputShape: [3] })]);
 * await loadWeights(b, 'runs/doc/a.weights.h5');
 * console.log(b.getWeights()[0].dataSync()[0] === a.getWeights()[0].dataSync()[0]); // true
 */
export async function loadWeights(model: Model, path: string): Promise<void> {
  try {
    await loadWeightsFrom(model, path);
  } catch (e) {
    throw asModelFileError(e, path);
  }
}

async function loadWeightsFrom(model: Model, path: string): Promise<void> {
  if (isZip(path)) {
    const weights = readKerasZip(path)['model.weights.h5']!;
    await readH5Bytes(weights, `${path} (model.weights.h5)`, (r) => readWeightsLayout(r, model));
    return;
  }
  await readH5(path, path, (r) => {
    const legacy = r.isGroup('model_weights') || r.strings('', 'layer_names') !== null;
    if (legacy) loadLegacyWeightsH5(model, r);
    else readWeightsLayout(r, model);
  }).catch((e) => {
    throw neitherFormat(path, e);
  });
}
