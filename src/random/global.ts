import { ValueError } from '../errors.js';
import { Generator } from './generator.js';

/**
 * The one global generator behind weight initialization, shuffling and dropout. It is created lazily
 * (no work at import, so the package stays side-effect free) from the platform CSPRNG, so runs differ
 * unless `setRandomSeed` is called.
 */
let global: Generator | null = null;

function fromEntropy(): Generator {
  const words = new Uint32Array(4);
  do globalThis.crypto.getRandomValues(words);
  while ((words[0]! | words[1]! | words[2]! | words[3]!) === 0);
  return Generator.fromState(words);
}

/**
 * Makes initialization, shuffling and dropout reproducible: resets the global generator from `seed`
 * (the equivalent of `keras.utils.set_random_seed`).
 *
 * @example
 * import { setRandomSeed, globalGenerator } from 'tensile';
 * setRandomSeed(1337);
 * const a = globalGenerator().uniform();
 * setRandomSeed(1337);
 * console.log(globalGenerator().uniform() === a); // true
 */
export function setRandomSeed(seed: number): void {
  if (!Number.isSafeInteger(seed))
    throw new ValueError(`setRandomSeed: seed must be an integer, got ${seed}`);
  global = new Generator(seed);
  // Skip the first stream so that the global generator never replays `new Generator(seed)`: otherwise
  // an initializer seeded with the same number as the global seed would copy the first unseeded one.
  global.fork();
}

/**
 * Replaces the global generator's state (from `globalGenerator().state()`), so a resumed run draws
 * the same shuffles and dropout masks as the run it continues.
 *
 * @example
 * // const saved = globalGenerator().state(); … later: restoreRandomState(saved);
 */
export function restoreRandomState(words: readonly number[]): void {
  global = Generator.fromState(words);
}

/**
 * The global generator (seeded from the platform CSPRNG on first use unless `setRandomSeed` ran).
 *
 * @example
 * import { globalGenerator } from 'tensile';
 * const order = globalGenerator().permutation(5);
 * console.log(order.length); // 5
 */
export function globalGenerator(): Generator {
  global ??= fromEntropy();
  return global;
}

/**
 * A generator for one consumer: from `seed` when given (the same values every time), otherwise a
 * fork of the global generator (a fresh, independent stream, reproducible under `setRandomSeed`).
 *
 * @example
 * import { seedGenerator } from 'tensile';
 * console.log(seedGenerator(3).uniform() === seedGenerator(3).uniform()); // true
 * const unseeded = seedGenerator(); // forks the global generator
 * console.log(unseeded.uniform() < 1); // true
 */
export function seedGenerator(seed?: number | null): Generator {
  return seed === undefined || seed === null ? globalGenerator().fork() : new Generator(seed);
}
