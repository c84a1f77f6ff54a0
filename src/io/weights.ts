import { fmtShape } from '../errors.js';
import type { Layer, LayerWeight } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { toSnakeCase } from '../naming.js';
import { tensor } from '../ops/core.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { ModelFileError } from './errors.js';
import type { H5Array } from './hdf5.js';

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
 * (variable, slot) pairs in the order Keras 3 lists optimizer variables after `iteration` and
 * `learning_rate`: Adam creates momentum and velocity per variable together (interleaved), every
 * other slot kind is created for all variables in turn (keras/src/optimizers/{sgd,rmsprop,adam}.py;
 * the interleaving was restored for compatibility in keras-team/keras#21247).
 */
function slotOrder(opt: Optimizer, variables: number): [number, number][] {
  const kinds = opt.slotNames().length;
  const together = Math.min(kinds, opt.className === 'Adam' ? 2 : 1);
  const order: [number, number][] = [];
  for (let v = 0; v < variables; v++) for (let s = 0; s < together; s++) order.push([v, s]);
  for (let s = together; s < kinds; s++) for (let v = 0; v < variables; v++) order.push([v, s]);
  return order;
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
    { name: `${prefix}/learning_rate`, shape: [], data: Float32Array.of(opt.learningRate) },
  ];
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
 * Checks optimizer state saved in Keras 3 order (see optimizerArrays) and returns the function that
 * restores it, so a bad file is reported before anything changes. A state of another size (another
 * optimizer, or Keras 2's layout) is skipped with a warning, as Keras does.
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
  const order = slotOrder(opt, vars.length);
  const full = arrays.length === 2 + order.length;
  if (!full && arrays.length !== 2) {
    console.warn(
      `${where}: the saved optimizer state has ${arrays.length} variables but ${opt.className} on this model has ` +
        `${2 + order.length}; training resumes with a fresh optimizer state`,
    );
    return () => {};
  }
  const slots = full
    ? order.map(([v], k) => {
        const a = arrays[2 + k]!;
        const variable = vars[v]!;
        if (a.shape.join() !== variable.shape.join()) {
          throw new ModelFileError(
            `${where}: optimizer variable '${a.name}' has shape ${fmtShape(a.shape)} but weight '${variable.name}' has ${fmtShape(variable.shape)}`,
          );
        }
        return Float32Array.from(a.data as ArrayLike<number>, Number);
      })
    : [];
  const iterations = Number(arrays[0]!.data[0]);
  const stored = Number(arrays[1]!.data[0]);
  return () => {
    if (full) {
      buildSlots(opt, vars);
      for (const [k, [v, s]] of order.entries()) {
        const slot = opt.slotsOf(vars[v]!)![s]!;
        slot.assign(valueFor(slot, slots[k]!));
      }
    }
    opt.iterations = iterations;
    // Keras stores the rate as float32; keep the config's double when it is the same number.
    if (Math.fround(opt.learningRate) !== stored) opt.learningRate = stored;
  };
}
