import type { Backend } from '../backend/backend.js';
import { copyToBackend } from '../engine/engine.js';
import { TensileError } from '../errors.js';
import type { Tensor, Variable } from '../tensor/tensor.js';

/** What placement needs from a model: its name (for errors) and its weights. */
export interface PlacedModel {
  readonly name: string;
  readonly weights: readonly Variable[];
}

/**
 * The backend a model computes on: the one its weights live on, or null for a model without
 * weights. Weights are made on the backend selected when the model is built, and stay there
 * (optimizer slots and loaded values follow them), so `setBackend` after building does not move a
 * model. Weights split across backends are an error naming two of them.
 *
 * @example
 * import { Sequential, Dense, tsBackend, setBackend, getBackend } from 'tensile';
 * const previous = getBackend();
 * setBackend(tsBackend);
 * const model = new Sequential([new Dense(2, { inputShape: [3] })]);
 * setBackend(previous);
 * console.log(model.weights[0].backend.name); // ts
 */
export function modelBackend(model: PlacedModel): Backend | null {
  const first = model.weights[0];
  if (!first) return null;
  const other = model.weights.find((w) => w.backend !== first.backend);
  if (other) {
    throw new TensileError(
      `model '${model.name}': its weights live on different backends ('${first.name}' on '${first.backend.name}', ` +
        `'${other.name}' on '${other.backend.name}'); build all its layers with one backend selected`,
    );
  }
  return first.backend;
}

/**
 * The tensors moved (copied once, when needed) to the backend the model computes on; for a model
 * without weights, to the first tensor's backend. fit, evaluate and predict call this once per call,
 * so data on another backend is copied once, never per batch.
 *
 * @example
 * // const [x, y] = onModelBackend(model, [xUser, yUser]); // same tensors when already there
 */
export function onModelBackend(model: PlacedModel, tensors: readonly Tensor[]): Tensor[] {
  const backend = modelBackend(model) ?? tensors[0]?.backend;
  return backend ? tensors.map((t) => copyToBackend(t, backend)) : [...tensors];
}
