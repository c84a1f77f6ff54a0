import { sizeOf } from '../tensor/shape.js';
import { type InitializerConfig, RandomInitializer, type SeedOptions } from './initializer.js';

/**
 * Options of RandomNormal and TruncatedNormal (Keras defaults: mean 0, stddev 0.05).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.TruncatedNormal({ mean: 1, stddev: 0.2 }).mean); // 1
 */
export interface NormalOptions extends SeedOptions {
  mean?: number;
  stddev?: number;
}

/**
 * Options of RandomUniform (Keras defaults: minval -0.05, maxval 0.05).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.RandomUniform({ minval: 0, maxval: 1 }).minval); // 0
 */
export interface UniformOptions extends SeedOptions {
  minval?: number;
  maxval?: number;
}

/**
 * Draws from N(mean, stddev²), as Keras' `RandomNormal` (string name 'random_normal' or 'normal').
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.RandomNormal({ mean: 0, stddev: 1, seed: 3 }).generate([2, 2]);
 * console.log(w.length); // 4
 */
export class RandomNormal extends RandomInitializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;

  constructor({ mean = 0, stddev = 0.05, seed }: NormalOptions = {}) {
    super(seed);
    this.mean = mean;
    this.stddev = stddev;
  }

  protected compute(shape: readonly number[]): Float32Array {
    return this.generator().normalArray(sizeOf(shape), this.mean, this.stddev);
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/**
 * Draws from N(mean, stddev²) and redraws values more than two stddevs from the mean, as Keras'
 * `TruncatedNormal` (so the values' actual standard deviation is about 0.88·stddev).
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.TruncatedNormal({ stddev: 1, seed: 3 }).generate([1000]);
 * console.log(w.every((v) => Math.abs(v) <= 2)); // true
 */
export class TruncatedNormal extends RandomNormal {
  override readonly className: string = 'TruncatedNormal';

  protected override compute(shape: readonly number[]): Float32Array {
    return this.generator().truncatedNormalArray(sizeOf(shape), this.mean, this.stddev);
  }
}

/**
 * Draws uniformly from [minval, maxval), as Keras' `RandomUniform` (string name 'random_uniform' or
 * 'uniform').
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.RandomUniform({ minval: 0, maxval: 1, seed: 3 }).generate([100]);
 * console.log(w.every((v) => v >= 0 && v < 1)); // true
 */
export class RandomUniform extends RandomInitializer {
  readonly className: string = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;

  constructor({ minval = -0.05, maxval = 0.05, seed }: UniformOptions = {}) {
    super(seed);
    this.minval = minval;
    this.maxval = maxval;
  }

  protected compute(shape: readonly number[]): Float32Array {
    return this.generator().uniformArray(sizeOf(shape), this.minval, this.maxval);
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }
}

/**
 * A RandomNormal initializer (Keras defaults mean 0, stddev 0.05).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.randomNormal({ stddev: 0.1 }).stddev); // 0.1
 */
export function randomNormal(options?: NormalOptions): RandomNormal {
  return new RandomNormal(options);
}

/**
 * A TruncatedNormal initializer (Keras defaults mean 0, stddev 0.05).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.truncatedNormal({ seed: 1 }).className); // TruncatedNormal
 */
export function truncatedNormal(options?: NormalOptions): TruncatedNormal {
  return new TruncatedNormal(options);
}

/**
 * A RandomUniform initializer (Keras defaults minval -0.05, maxval 0.05).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.randomUniform().maxval); // 0.05
 */
export function randomUniform(options?: UniformOptions): RandomUniform {
  return new RandomUniform(options);
}
