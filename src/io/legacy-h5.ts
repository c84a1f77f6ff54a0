import type { Layer } from '../layers/layer.js';
import { Model } from '../models/model.js';
import type { Variable } from '../tensor/tensor.js';
import { writeAtomic } from './atomic.js';
import { compileArgsFromConfig, trainingConfig } from './compile-config.js';
import { ModelFileError } from './errors.js';
import { type H5Reader, type H5Writer, readH5, writeH5 } from './hdf5.js';
import { KERAS_VERSION } from './keras-format.js';
import { kerasJson } from './keras-json.js';
import { kerasMajor, legacyModelConfig, modelFromConfig } from './model-config.js';
import { cellOf, type LayerClass } from './registry.js';
import {
  kerasWeights,
  optimizerArrays,
  planLayerAssign,
  planOptimizerRestore,
  type StoredArray,
} from './weights.js';

const join = (group: string, name: string) => (group ? `${group}/${name}` : name);

/** `dense/kernel:0`, or `lstm/lstm_cell/kernel:0` for layers whose weights Keras keeps in a cell. */
function weightName(layerName: string, className: string, weight: string): string {
  const cell = cellOf(className);
  return `${layerName}/${cell ? `${cell}/` : ''}${weight}:0`;
}

/** One weight as the legacy format stores it: its `weight_names` entry and its value. */
interface LegacyWeight {
  readonly name: string;
  readonly variable: Variable;
  readonly trainable: boolean;
}

/**
 * A layer's weights in Keras' legacy order (`_legacy_weights`: trainable, then non-trainable). A
 * nested model is one layer whose weights are all its layers' (each named `<inner layer>/<weight>:0`,
 * recurrent ones through their cell), its trainable ones first, as `model.trainable_weights +
 * model.non_trainable_weights` orders them in Keras 2 and 3.
 */
function legacyWeights(layer: Layer): LegacyWeight[] {
  if (!(layer instanceof Model))
    return kerasWeights(layer).map((w) => ({
      name: weightName(layer.name, layer.className, w.name),
      variable: w.variable,
      trainable: w.trainable && layer.trainable,
    }));
  const seen = new Set<Variable>();
  const all = layer.layers
    .flatMap(legacyWeights)
    .filter((w) => !seen.has(w.variable) && seen.add(w.variable))
    .map((w) => ({ ...w, trainable: w.trainable && layer.trainable }));
  return [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)];
}

/**
 * Keras' `save_weights_to_hdf5_group`: `layer_names` on the group, one subgroup per layer (in
 * name order) with `weight_names` and a dataset per weight, and an empty `top_level_model_weights`.
 */
function writeLegacyWeights(w: H5Writer, group: string, model: Model): void {
  w.strings(
    group,
    'layer_names',
    model.layers.map((l) => l.name),
  );
  w.bytes(group, 'backend', 'tensorflow');
  w.bytes(group, 'keras_version', KERAS_VERSION);
  for (const layer of [...model.layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const g = join(group, layer.name);
    const weights = legacyWeights(layer);
    w.strings(
      g,
      'weight_names',
      weights.map((x) => x.name),
    );
    for (const x of weights)
      w.dataset(join(g, x.name), x.variable.dataSync() as Float32Array, x.variable.shape);
  }
  w.strings(join(group, 'top_level_model_weights'), 'weight_names', []);
}

/**
 * Saves a model in the legacy Keras HDF5 format (`model.save('model.h5')`).
 *
 * @example
 * // await saveLegacyH5(model, 'runs/best.h5');
 */
export async function saveLegacyH5(model: Model, path: string): Promise<void> {
  await writeAtomic(path, (tmp) =>
    writeH5(tmp, (w) => {
      w.text('', 'keras_version', KERAS_VERSION);
      w.text('', 'backend', 'tensorflow');
      w.bytes('', 'model_config', kerasJson(legacyModelConfig(model)));
      const training = trainingConfig(model);
      if (training) w.bytes('', 'training_config', kerasJson(training));
      writeLegacyWeights(w, 'model_weights', model);
      const opt = optimizerArrays(model);
      if (opt) {
        const names = opt.map((a) => `${a.name}:0`);
        w.strings('optimizer_weights', 'weight_names', names);
        for (const [i, a] of opt.entries()) w.dataset(`optimizer_weights/${names[i]}`, a.data, a.shape);
      }
    }),
  );
}

/**
 * Keras' `load_weights_from_hdf5_group`: file layers with weights are matched, in order, to model
 * layers with weights; each layer's weights are read in its `weight_names` order.
 *
 * @example
 * // const assign = readLegacyWeights(r, 'model_weights', model); assign();
 */
export function readLegacyWeights(r: H5Reader, group: string, model: Model): () => void {
  if (!model.built) throw new ModelFileError(`${r.where}: the model must be built before loading weights`);
  const layerNames = r.strings(group, 'layer_names');
  if (!layerNames) throw new ModelFileError(`${r.where}: no 'layer_names' attribute on '${group || '/'}'`);
  const saved = layerNames
    .map((name) => ({ name, weights: r.strings(join(group, name), 'weight_names') ?? [] }))
    .filter((l) => l.weights.length > 0);
  const layers = model.layers.filter((l) => l.weightEntries.length > 0);
  if (saved.length !== layers.length) {
    throw new ModelFileError(
      `${r.where}: the model has ${layers.length} layers with weights (${layers.map((l) => l.name).join(', ')}) ` +
        `but the file has ${saved.length} (${saved.map((l) => l.name).join(', ')})`,
    );
  }
  const assigns = layers.map((layer, k) => {
    const { name, weights } = saved[k]!;
    const g = join(group, name);
    return planLayerAssign(layer, weights.length, r.where, g, (i, check) =>
      r.floats(join(g, weights[i]!), check),
    );
  });
  return () => {
    for (const assign of assigns) assign();
  };
}

/** Optimizer values from `optimizer_weights`, in the file's order. */
function readLegacyOptimizer(r: H5Reader): StoredArray[] {
  const names = r.strings('optimizer_weights', 'weight_names') ?? [];
  return names.map((name) => ({ name, ...r.array(`optimizer_weights/${name}`) }));
}

function parseJsonAttr(r: H5Reader, name: string): Record<string, unknown> | null {
  const text = r.text('', name);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(
      `${r.where}: the '${name}' attribute is not valid JSON (${(e as Error).message})`,
    );
  }
}

/**
 * Loads a model from a legacy Keras HDF5 file written by Keras 2, Keras 3 or Tensile.
 *
 * @example
 * // const model = await loadLegacyH5('keras2_model.h5', {});
 */
export function loadLegacyH5(
  path: string,
  opts: { compile?: boolean; customObjects?: Record<string, LayerClass> },
): Promise<Model> {
  return readH5(path, path, (r) => {
    const config = parseJsonAttr(r, 'model_config');
    if (!config) {
      throw new ModelFileError(
        `${path}: no 'model_config' attribute; a weights-only file loads with model.loadWeights(path)`,
      );
    }
    const version = r.text('', 'keras_version') ?? r.text('model_weights', 'keras_version');
    const model = modelFromConfig(config, path, opts.customObjects, kerasMajor(version, 'h5'));
    if (!r.isGroup('model_weights')) throw new ModelFileError(`${path}: no 'model_weights' group`);
    const assign = readLegacyWeights(r, 'model_weights', model);
    const training = opts.compile === false ? null : parseJsonAttr(r, 'training_config');
    if (training) model.compile(compileArgsFromConfig(training, path));
    const opt = training && r.isGroup('optimizer_weights') ? readLegacyOptimizer(r) : [];
    const restore = planOptimizerRestore(model, opt, path);
    assign();
    restore();
    return model;
  });
}

/**
 * Loads layer weights from a legacy HDF5 file: a full model file or a Keras 2 `save_weights` file.
 * Optimizer state is left alone, as Keras' legacy `load_weights` does.
 *
 * @example
 * // await readH5(path, path, (r) => loadLegacyWeightsH5(model, r));
 */
export function loadLegacyWeightsH5(model: Model, r: H5Reader): void {
  readLegacyWeights(r, r.isGroup('model_weights') ? 'model_weights' : '', model)();
}
