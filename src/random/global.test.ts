import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { Generator } from './generator.js';
import { globalGenerator, seedGenerator, setRandomSeed } from './global.js';

describe('global generator', () => {
  it('starts from entropy without a seed', () => {
    const g = globalGenerator();
    expect(g).toBeInstanceOf(Generator);
    expect(globalGenerator()).toBe(g);
  });

  it('setRandomSeed makes global draws and unseeded forks reproducible', () => {
    setRandomSeed(42);
    const first = [
      seedGenerator().uniformArray(50),
      seedGenerator().uniformArray(50),
      globalGenerator().uniform(),
    ];
    setRandomSeed(42);
    const again = [
      seedGenerator().uniformArray(50),
      seedGenerator().uniformArray(50),
      globalGenerator().uniform(),
    ];
    expect(again).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
    setRandomSeed(43);
    expect(seedGenerator().uniformArray(50)).not.toEqual(first[0]);
  });

  it('seedGenerator(seed) ignores the global generator and never replays it', () => {
    setRandomSeed(7);
    const seeded = seedGenerator(7).uniformArray(20);
    expect(seedGenerator(7).uniformArray(20)).toEqual(seeded);
    expect(seedGenerator(null).uniformArray(20)).not.toEqual(seeded);
    expect(new Generator(7).uniformArray(20)).toEqual(seeded);
    setRandomSeed(7);
    expect(globalGenerator().uniformArray(20)).not.toEqual(seeded);
  });

  it('rejects non-integer seeds', () => {
    expect(() => setRandomSeed(0.5)).toThrow(ValueError);
    expect(() => seedGenerator(Number.POSITIVE_INFINITY)).toThrow(ValueError);
  });
});
