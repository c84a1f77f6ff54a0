import type { Layer, LayerWeight } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { toSnakeCase } from '../naming.js';
import { tensor } from '../ops/core.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { ModelFileError } from './errors.js';
import type { H5Array } from './hdf5.js';
import { matchOptimizerLayout, optimizerLayouts, slotOrder } from './optimizer-layouts.js';

/**
 * One array as stored in a file.
 *
 * @example
 * // { name: 'adam/iteration', shape: [], data: BigInt64Array.of(7n) }
 */
export interface StoredArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: H5Array;
}

/**
 * Keras' weight order for a layer: trainable variables, then non-trainable, each in creation order.
 *
 * @example
 * // kerasWeights(batchNorm).map((w) => w.name) → ['gamma', 'beta', 'moving_mean', 'moving_variance']
 */
export function kerasWeights(layer: Layer): LayerWeight[] {
  const entries = layer.weightEntries;
  return [...entries.filter((w) => w.trainable), ...entries.filter((w) => !w.trainable)];
}

/**
 * Keras 3's `.keras` group for each layer: the snake-cased class name, numbered from the second on.
 *
 * @example
 * // kerasLayerPaths([dense, dropout, dense2]) → ['layers/dense', 'layers/dropout', 'layers/dense_1']
 */
export function kerasLayerPaths(layers: readonly Layer[]): string[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = toSnakeCase(layer.className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    return `layers/${count === undefined ? base : `${base}_${count + 1}`}`;
  });
}

/** Values read from a file, uploaded straight to the backend `v` lives on (one copy, never mixed). */
function valueFor(v: Variable, values: Float32Array): Tensor {
  return tensor(values, v.shape, 'float32', { backend: v.backend });
}

/**
 * tf.keras 2.12–2.14's `.keras` groups (their saving_lib walks attributes in `dir()` order, so a
 * Sequential's layers are first reached through `_layer_checkpoint_dependencies`, a dict holding each
 * layer with weights twice, as `layer_with_weights-<k>` and `layer-<i>`). The class counter advances
 * on every entry, also on the second visit that saves nothing: Dense, Dropout, Dense sit in `dense`,
 * `dropout` and `dense_2`.
 *
 * @example
 * // tfKerasLayerPaths([dense, dropout, dense2]) → ['_layer_checkpoint_dependencies/dense', '_layer_checkpoint_dependencies/dropout', '_layer_checkpoint_dependencies/dense_2']
 */
export function tfKerasLayerPaths(layers: readonly Layer[]): string[] {
  const used = new Map<string, number>();
  const next = (layer: Layer) => {
    const base = toSnakeCase(layer.className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    return count === undefined ? base : `${base}_${count + 1}`;
  };
  return layers.map((layer) => {
    const first = next(layer);
    if (layer.weightEntries.length > 0) next(layer);
    return `_layer_checkpoint_dependencies/${first}`;
  });
}

/**
 * Sets a layer's weights from a file after checking all of them (count and shapes), so a bad file
 * leaves the model untouched. `read(i, check)` returns weight i in Keras order.
 *
 * @example
 * // const assign = planLayerAssign(layer, 2, file, 'layers/dense/vars', (i, check) => r.floats(`.../${i}`, check)); assign();
 */
export function planLayerAssign(
  layer: Layer,
  count: number,
  where: string,
  source: string,
  read: (i: number, check: { shape: readonly number[]; what: string }) => Float32Array,
): () => void {
  const weights = kerasWeights(layer);
  if (count !== weights.length) {
    const names = weights.map((w) => w.name).join(', ') || 'none';
    throw new ModelFileError(
      `${where}: layer '${layer.name}' (${layer.className}) has ${weights.length} weights (${names}) but the file has ${count} at '${source}'`,
    );
  }
  const values = weights.map((w, i) =>
    read(i, {
      shape: w.variable.shape,
      what: `layer '${layer.name}' (${layer.className}) weight '${w.name}'`,
    }),
  );
  return () => {
    for (const [i, w] of weights.entries()) w.variable.assign(valueFor(w.variable, values[i]!));
  };
}

/**
 * The optimizer's variables as Keras 3 saves them: iteration (int64), learning_rate (float32), then
 * the slots. Slots not created yet (no training step so far) are written as the zeros they start as,
 * so Keras can load the state into an optimizer it builds at load time.
 *
 * @example
 * // optimizerArrays(model)?.map((a) => a.name) → ['adam/iteration', 'adam/learning_rate', 'adam/dense_kernel_momentum', ...]
 */
export function optimizerArrays(model: Model): StoredArray[] | null {
  const opt = model.optimizer;
  if (!opt) return null;
  const prefix = String(opt.getConfig().name);
  const vars = model.trainableWeights;
  const kinds = opt.slotNames();
  const out: StoredArray[] = [
    { name: `${prefix}/iteration`, shape: [], data: BigInt64Array.of(BigInt(opt.iterations)) },
  ];
  // Keras 3 has no learning_rate variable when a schedule gives the rate.
  if (!opt.schedule)
    out.push({ name: `${prefix}/learning_rate`, shape: [], data: Float32Array.of(opt.learningRate) });
  for (const [v, s] of slotOrder(opt, vars.length)) {
    const variable = vars[v]!;
    const slot = opt.slotsOf(variable)?.[s];
    const data = slot ? (slot.dataSync() as Float32Array) : new Float32Array(variable.size);
    out.push({
      name: `${prefix}/${variable.name.replace(/\//g, '_')}_${kinds[s]}`,
      shape: variable.shape,
      data,
    });
  }
  return out;
}

/** Makes the optimizer create its slots, so saved state can be written into them. */
function buildSlots(opt: Optimizer, vars: readonly Variable[]): void {
  opt.build(vars);
}

/**
 * Checks saved optimizer state and returns the function that restores it, so a bad file is reported
 * before anything changes. The state may be in any layout of optimizerLayouts (Keras 3, tf.keras 2.11+,
 * OptimizerV2, Keras 2.0–2.3); a state that fits none (another optimizer, other settings) is skipped
 * with a warning naming the counts, as Keras skips it.
 *
 * @example
 * // const restore = planOptimizerRestore(model, arraysFromFile, 'best.keras'); restore();
 */
export function planOptimizerRestore(
  model: Model,
  arrays: readonly StoredArray[],
  where: string,
): () => void {
  const opt = model.optimizer;
  if (!opt || arrays.length === 0) return () => {};
  const vars = model.trainableWeights;
  const layouts = optimizerLayouts(opt, vars.length);
  const shapes = vars.map((v) => v.shape);
  const layout =
    matchOptimizerLayout(layouts, arrays, shapes) ??
    // Keras 3 before the first step: iteration and learning rate (no rate with a schedule) only.
    (arrays.length === (opt.schedule ? 1 : 2) && arrays.every((a) => a.shape.length === 0)
      ? { generation: 'Keras 3', learningRate: !opt.schedule, slots: [] }
      : null);
  if (!layout) {
    const expected = layouts.map((l) => `${(l.learningRate ? 2 : 1) + l.slots.length} (${l.generation})`);
    console.warn(
      `${where}: the saved optimizer state has ${arrays.length} variables (${arrays
        .slice(0, 3)
        .map((a) => a.name)
        .join(', ')}${arrays.length > 3 ? ', ...' : ''}) but ${opt.className} on this model has ` +
        `${[...new Set(expected)].join(' or ')}; training resumes with a fresh optimizer state`,
    );
    return () => {};
  }
  const skip = layout.learningRate ? 2 : 1;
  const slots = layout.slots.map((pair, k) =>
    pair ? Float32Array.from(arrays[skip + k]!.data as ArrayLike<number>, Number) : null,
  );
  const iterations = Number(arrays[0]!.data[0]);
  const stored = layout.learningRate ? Number(arrays[1]!.data[0]) : null;
  return () => {
    if (layout.slots.some((pair) => pair !== null)) {
      buildSlots(opt, vars);
      for (const [k, pair] of layout.slots.entries()) {
        if (!pair) continue;
        const slot = opt.slotsOf(vars[pair[0]]!)![pair[1]]!;
        slot.assign(valueFor(slot, slots[k]!));
      }
    }
    opt.iterations = iterations;
    // Keras stores the rate as float32; keep the config's double when it is the same number.
    if (stored !== null && !opt.schedule && Math.fround(opt.learningRate) !== stored)
      opt.learningRate = stored;
  };
}
