import type { Optimizer } from '../optimizers/optimizer.js';

/**
 * The orders in which Keras generations list an optimizer's variables in a file. Each entry after the
 * leading scalars is a (variable, slot) pair, or null for a variable Tensile has no use for.
 *
 * @example
 * // { generation: 'Keras 3', learningRate: true, slots: [[0, 0], [0, 1], [1, 0], [1, 1]] }
 */
export interface OptimizerLayout {
  /** The Keras versions that write this layout, for messages and docs. */
  readonly generation: string;
  /** Whether the learning rate follows the iteration count (Keras 3 only). */
  readonly learningRate: boolean;
  /** Per file entry after the scalars: [variable index, slot index], or null (ignored). */
  readonly slots: readonly ([number, number] | null)[];
}

/**
 * (variable, slot) pairs in the order Keras 3 and tf.keras 2.11+ create optimizer variables: Adam
 * creates momentum and velocity per variable together (interleaved), every other slot kind is created
 * for all variables in turn (keras/src/optimizers/{sgd,rmsprop,adam}.py; the interleaving was restored
 * for compatibility in keras-team/keras#21247).
 *
 * @example
 * // slotOrder(adam, 2) → [[0, 0], [0, 1], [1, 0], [1, 1]]
 */
export function slotOrder(opt: Optimizer, variables: number): [number, number][] {
  const kinds = opt.slotNames().length;
  const together = Math.min(kinds, opt.className === 'Adam' ? 2 : 1);
  const order: [number, number][] = [];
  for (let v = 0; v < variables; v++) for (let s = 0; s < together; s++) order.push([v, s]);
  for (let s = together; s < kinds; s++) for (let v = 0; v < variables; v++) order.push([v, s]);
  return order;
}

/** Every slot kind for all variables in turn (tf.keras OptimizerV2 `_create_slots`, Keras 2.0–2.3). */
function kindMajor(kinds: number, variables: number): [number, number][] {
  const order: [number, number][] = [];
  for (let s = 0; s < kinds; s++) for (let v = 0; v < variables; v++) order.push([v, s]);
  return order;
}

const ignored = (n: number) => Array.from({ length: n }, () => null);

/**
 * The layouts an optimizer's saved state may have, newest first:
 * - Keras 3 (saving_lib, legacy_h5_format): iteration, learning_rate, slots in slotOrder.
 * - tf.keras 2.11–2.15 optimizers (keras/optimizers/optimizer.py, `Custom>Adam`): iteration, then the
 *   same slot order; their SGD always creates `m` slots, unused without momentum.
 * - tf.keras 2.0–2.10 OptimizerV2 (optimizer_v2/*.py `_create_slots`) and its 2.11+ legacy copies:
 *   `iter`, then each slot kind for all variables (Adam m…, v…, vhat…; RMSprop rms…, momentum…, mg…).
 * - Keras 2.0–2.3 (keras/optimizers.py): Adam adds one `vhat` per variable (shape [1] without
 *   amsgrad) and SGD always one moment per variable.
 *
 * @example
 * // optimizerLayouts(adam, 4).map((l) => l.generation) → ['Keras 3', 'tf.keras 2.11–2.15', 'tf.keras 2.0–2.10 (OptimizerV2)', 'Keras 2.0–2.3']
 */
export function optimizerLayouts(opt: Optimizer, variables: number): OptimizerLayout[] {
  const kinds = opt.slotNames().length;
  const order = slotOrder(opt, variables);
  const sgdNoMomentum = opt.className === 'SGD' && kinds === 0;
  const layouts: OptimizerLayout[] = [
    // Keras 3 keeps the rate as a variable unless a schedule drives it.
    { generation: 'Keras 3', learningRate: opt.schedule === null, slots: order },
    {
      generation: 'tf.keras 2.11–2.15',
      learningRate: false,
      slots: sgdNoMomentum ? ignored(variables) : order,
    },
    {
      generation: 'tf.keras 2.0–2.10 (OptimizerV2)',
      learningRate: false,
      slots: kindMajor(kinds, variables),
    },
  ];
  const amsgradOff = opt.className === 'Adam' && kinds === 2;
  if (amsgradOff || sgdNoMomentum) {
    const slots = [...kindMajor(kinds, variables), ...ignored(variables)];
    layouts.push({ generation: 'Keras 2.0–2.3', learningRate: false, slots });
  }
  return layouts;
}

/** Slot names OptimizerV2 gives its variables: `Adam/dense/kernel/m:0` (the 2.11+ ones are `Adam/m/dense/kernel:0`). */
const V2_SLOT_NAME = /\/(m|v|vhat|rms|momentum|mg):0$/;

/**
 * The layout of saved optimizer state: the first whose length matches and whose entries have the
 * shapes of the variables they belong to; OptimizerV2's when the names say so (its Adam order and
 * tf.keras 2.11's differ only in order, which shapes cannot tell apart when all weights have one shape).
 *
 * @example
 * // const layout = matchOptimizerLayout(optimizerLayouts(opt, 4), arrays, shapes);
 */
export function matchOptimizerLayout(
  layouts: readonly OptimizerLayout[],
  arrays: readonly { name: string; shape: readonly number[] }[],
  shapes: readonly (readonly number[])[],
): OptimizerLayout | null {
  const fits = layouts.filter((layout) => {
    const skip = layout.learningRate ? 2 : 1;
    if (arrays.length !== skip + layout.slots.length) return false;
    return layout.slots.every((pair, k) => {
      const shape = arrays[skip + k]!.shape.join();
      return pair ? shape === shapes[pair[0]]!.join() : true;
    });
  });
  const v2 = fits.find((l) => l.generation.includes('OptimizerV2'));
  if (v2 && arrays.slice(1).some((a) => V2_SLOT_NAME.test(a.name))) return v2;
  return fits[0] ?? null;
}
