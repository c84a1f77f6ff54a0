import { ShapeError, ValueError } from '../errors.js';
import { sizeOf } from '../tensor/shape.js';
import { Initializer, type InitializerConfig } from './initializer.js';

/**
 * Fills every element with one number, as Keras' `Constant` (only scalars, as in Keras). Like the
 * other constant initializers it also makes int32 tensors (values truncated toward zero).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.Constant({ value: 0.5 }).generate([3])); // [0.5, 0.5, 0.5]
 */
export class Constant extends Initializer {
  readonly className: string = 'Constant';
  readonly value: number;

  constructor({ value = 0 }: { value?: number } = {}) {
    super();
    if (typeof value !== 'number')
      throw new ValueError(`Constant: value must be a number, got ${typeof value}`);
    this.value = value;
  }

  protected compute(shape: readonly number[]): Float32Array {
    return new Float32Array(sizeOf(shape)).fill(this.value);
  }

  override getConfig(): InitializerConfig {
    return { value: this.value };
  }
}

/**
 * All zeros, as Keras' `Zeros` (the default bias initializer).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.Zeros().generate([2])); // [0, 0]
 */
export class Zeros extends Initializer {
  readonly className: string = 'Zeros';

  protected compute(shape: readonly number[]): Float32Array {
    return new Float32Array(sizeOf(shape));
  }
}

/**
 * All ones, as Keras' `Ones` (the default BatchNormalization gamma initializer).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.Ones().generate([2])); // [1, 1]
 */
export class Ones extends Initializer {
  readonly className: string = 'Ones';

  protected compute(shape: readonly number[]): Float32Array {
    return new Float32Array(sizeOf(shape)).fill(1);
  }
}

/**
 * `gain` times the identity matrix, as Keras' `Identity`: rank-2 shapes only, rectangular allowed
 * (ones on the main diagonal).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.Identity({ gain: 2 }).generate([2, 3])); // [2, 0, 0, 0, 2, 0]
 */
export class Identity extends Initializer {
  readonly className: string = 'Identity';
  readonly gain: number;

  constructor({ gain = 1 }: { gain?: number } = {}) {
    super();
    this.gain = gain;
  }

  protected compute(shape: readonly number[]): Float32Array {
    if (shape.length !== 2) {
      throw new ShapeError(this.className, [shape], `needs a rank-2 shape, got rank ${shape.length}`);
    }
    const [rows, cols] = shape as [number, number];
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = this.gain;
    return out;
  }

  override getConfig(): InitializerConfig {
    return { gain: this.gain };
  }
}

/**
 * A Zeros initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.zeros().className); // Zeros
 */
export function zeros(): Zeros {
  return new Zeros();
}

/**
 * A Ones initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.ones().className); // Ones
 */
export function ones(): Ones {
  return new Ones();
}

/**
 * A Constant initializer filling with `value` (Keras default 0).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.constant({ value: 3 }).value); // 3
 */
export function constant(options?: { value?: number }): Constant {
  return new Constant(options);
}

/**
 * An Identity initializer (Keras default gain 1).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.identity({ gain: 0.5 }).gain); // 0.5
 */
export function identity(options?: { gain?: number }): Identity {
  return new Identity(options);
}
