import { ValueError } from '../errors.js';
import { Adam } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Adam, type AdamArgs } from './adam.js';
export { Optimizer, type OptimizerArgs } from './optimizer.js';
export { RMSprop, type RMSpropArgs } from './rmsprop.js';
export { SGD, type SGDArgs } from './sgd.js';

const BY_NAME: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  rmsprop: () => new RMSprop(),
  adam: () => new Adam(),
};

/**
 * Resolves 'sgd' / 'rmsprop' / 'adam' (any case) with Keras' defaults, or passes an Optimizer through.
 *
 * @example
 * import { getOptimizer } from 'tensile';
 * getOptimizer('adam').learningRate; // 0.001
 */
export function getOptimizer(id: string | Optimizer): Optimizer {
  if (id instanceof Optimizer) return id;
  const make = BY_NAME[id.toLowerCase()];
  if (!make) throw new ValueError(`unknown optimizer '${id}' (known: ${Object.keys(BY_NAME).join(', ')})`);
  return make();
}
