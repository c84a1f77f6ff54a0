/**
 * The number of input and output units a weight of some shape connects.
 *
 * @example
 * import { initializers } from 'tensile';
 * const fans = initializers.computeFans([4, 7]);
 * console.log(fans.fanIn, fans.fanOut); // 4 7
 */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * Fan-in and fan-out of a weight shape, as Keras' `compute_fans`: rank 0 → 1 and 1; rank 1 → both
 * `shape[0]`; rank 2 → `[fanIn, fanOut]`; higher ranks are convolution kernels
 * `[...receptiveField, inputDepth, depth]`, so both fans are multiplied by the receptive field size.
 *
 * @example
 * import { initializers } from 'tensile';
 * const { fanIn, fanOut } = initializers.computeFans([3, 3, 16, 32]); // a 3×3 Conv2D kernel
 * console.log(fanIn, fanOut); // 144 288
 */
export function computeFans(shape: readonly number[]): Fans {
  const rank = shape.length;
  if (rank === 0) return { fanIn: 1, fanOut: 1 };
  if (rank === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (rank === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  let receptiveField = 1;
  for (let i = 0; i < rank - 2; i++) receptiveField *= shape[i]!;
  return { fanIn: shape[rank - 2]! * receptiveField, fanOut: shape[rank - 1]! * receptiveField };
}
