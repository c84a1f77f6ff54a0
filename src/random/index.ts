/**
 * Seeded random numbers: the Generator class and the global generator that `setRandomSeed` resets.
 * (The numpy-compatible MT19937 `RandomState` lives in random-state.ts and is exported separately.)
 *
 * @example
 * import { setRandomSeed, seedGenerator } from 'tensile';
 * setRandomSeed(42);
 * const g = seedGenerator();
 * console.log(g.permutation(3).length); // 3
 */
export { Generator, type MutableArrayLike } from './generator.js';
export { globalGenerator, seedGenerator, setRandomSeed } from './global.js';
