import type { SeedOptions } from './initializer.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
  type VarianceScalingOptions,
} from './variance-scaling.js';

/**
 * A VarianceScaling initializer (Keras defaults: scale 1, 'fan_in', 'truncated_normal').
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.varianceScaling({ scale: 2, mode: 'fan_avg' }).mode); // fan_avg
 */
export function varianceScaling(options?: VarianceScalingOptions): VarianceScaling {
  return new VarianceScaling(options);
}

/**
 * A GlorotUniform initializer, Keras' default for kernels.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.glorotUniform({ seed: 1 }).seed); // 1
 */
export function glorotUniform(options?: SeedOptions): GlorotUniform {
  return new GlorotUniform(options);
}

/**
 * A GlorotNormal initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.glorotNormal().className); // GlorotNormal
 */
export function glorotNormal(options?: SeedOptions): GlorotNormal {
  return new GlorotNormal(options);
}

/**
 * A HeNormal initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.heNormal().scale); // 2
 */
export function heNormal(options?: SeedOptions): HeNormal {
  return new HeNormal(options);
}

/**
 * A HeUniform initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.heUniform().distribution); // uniform
 */
export function heUniform(options?: SeedOptions): HeUniform {
  return new HeUniform(options);
}

/**
 * A LecunNormal initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.lecunNormal().className); // LecunNormal
 */
export function lecunNormal(options?: SeedOptions): LecunNormal {
  return new LecunNormal(options);
}

/**
 * A LecunUniform initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.lecunUniform().className); // LecunUniform
 */
export function lecunUniform(options?: SeedOptions): LecunUniform {
  return new LecunUniform(options);
}
