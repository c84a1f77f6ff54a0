import type { Tensor } from '../../tensor/tensor.js';

/**
 * Keras-style mask propagation without touching Tensor: a layer that produces a timestep mask
 * (Embedding with maskZero, an RNN with returnSequences passing its input mask on) attaches it to its
 * output here, and the next layer reads it from its input. The map is weak, so a mask lives exactly
 * as long as the tensor it describes. Layers that do not know about masks simply drop it (a layer
 * that keeps the time axis, e.g. Dropout, can pass it on with `setKerasMask(out, getKerasMask(x))`).
 */
const masks = new WeakMap<Tensor, Tensor>();

/**
 * Attaches a timestep mask ([batch, time], non-zero = real step) to a layer output.
 *
 * @example
 * import { setKerasMask, getKerasMask, tensor } from 'tensile';
 * const out = tensor([[[1], [2]]]);
 * setKerasMask(out, tensor([[1, 0]], undefined, 'int32'));
 * console.log(getKerasMask(out).shape); // [1, 2]
 */
export function setKerasMask(t: Tensor, mask: Tensor | null): void {
  if (mask) masks.set(t, mask);
  else masks.delete(t);
}

/**
 * The timestep mask attached to `t`, or null.
 *
 * @example
 * import { getKerasMask, tensor } from 'tensile';
 * console.log(getKerasMask(tensor([1, 2]))); // null
 */
export function getKerasMask(t: Tensor): Tensor | null {
  return masks.get(t) ?? null;
}
