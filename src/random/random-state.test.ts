import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { RandomState } from './random-state.js';

// Golden values from numpy 1.24.2 (/usr/bin/python3):
//   import numpy as np
//   for seed in [0, 1, 42, 113, 2**32-1]:
//       np.random.RandomState(seed).randint(0, 2**32, size=3, dtype=np.uint64)  # raw MT19937 words
//       np.random.RandomState(seed).random_sample(4)
//       np.random.RandomState(seed).permutation(10)
const STREAMS: Record<number, { raw: number[]; sample: number[]; perm10: number[] }> = {
  0: {
    raw: [2357136044, 2546248239, 3071714933],
    sample: [0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969],
    perm10: [2, 8, 4, 9, 1, 6, 7, 3, 0, 5],
  },
  1: {
    raw: [1791095845, 4282876139, 3093770124],
    sample: [0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977],
    perm10: [2, 9, 6, 4, 0, 3, 1, 7, 8, 5],
  },
  42: {
    raw: [1608637542, 3421126067, 4083286876],
    sample: [0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366],
    perm10: [8, 1, 5, 0, 7, 2, 9, 4, 3, 6],
  },
  113: {
    raw: [3659249829, 529109724, 317413538],
    sample: [0.8519854927300882, 0.07390359884225994, 0.8949317626986235, 0.43649354757860825],
    perm10: [9, 3, 6, 1, 0, 7, 4, 8, 2, 5],
  },
  4294967295: {
    raw: [419326371, 479346978, 3918654476],
    sample: [0.0976320289940138, 0.9123828453026218, 0.78903530185164, 0.7800035981134678],
    perm10: [6, 9, 5, 1, 8, 0, 7, 4, 2, 3],
  },
};

describe('RandomState matches numpy', () => {
  for (const [seed, golden] of Object.entries(STREAMS)) {
    it(`seed ${seed}: raw words, random_sample, permutation`, () => {
      const s = Number(seed);
      const raw = new RandomState(s);
      expect([raw.nextUint32(), raw.nextUint32(), raw.nextUint32()]).toEqual(golden.raw);
      expect(new RandomState(s).randomSample(4)).toEqual(golden.sample);
      expect(new RandomState(s).permutation(10)).toEqual(golden.perm10);
    });
  }

  it('seeds from an array with init_by_array', () => {
    // np.random.RandomState([1, 2, 3]).random_sample(3)
    expect(new RandomState([1, 2, 3]).randomSample(3)).toEqual([
      0.6098612722867289, 0.8866970434146851, 0.47633673750662764,
    ]);
  });

  it('randint: small, negative, 40-bit and full 32-bit ranges, continuing one stream', () => {
    // r = np.random.RandomState(7)
    // r.randint(0, 10, 8); r.randint(-5, 5, 4); r.randint(0, 2**40, 3); r.randint(5); r.randint(0, 2**32, 2)
    const r = new RandomState(7);
    expect(r.randint(0, 10, 8)).toEqual([4, 9, 6, 3, 3, 7, 7, 9]);
    expect(r.randint(-5, 5, 4)).toEqual([2, 3, 4, 3]);
    expect(r.randint(0, 2 ** 40, 3)).toEqual([719526270950, 295789249968, 546881790343]);
    expect(r.randint(5)).toBe(4);
    expect(r.randint(0, 2 ** 32, 2)).toEqual([1687674368, 283194443]);
  });

  it('standard_normal (cached second value), normal and uniform continue one stream', () => {
    // r = np.random.RandomState(3); r.standard_normal(5); r.normal(2, 3, 2); r.uniform(-1, 1, 3)
    const r = new RandomState(3);
    const close = (got: number[], want: number[]) =>
      got.forEach((g, i) => {
        expect(g).toBeCloseTo(want[i]!, 14);
      });
    close(
      r.standardNormal(5),
      [
        1.7886284734303186, 0.43650985051198943, 0.09649746807200862, -1.8634927033644908,
        -0.27738820251439905,
      ],
    );
    close(r.normal(2, 3, 2), [0.9357230621930397, 1.7517755555526207]);
    expect(r.uniform(-1, 1, 3)).toEqual([-0.9402475782428661, -0.08633355121057784, 0.2982880952295215]);
  });

  it('permutation(25000) with seed 113 (the IMDB shuffle)', () => {
    // p = np.random.RandomState(113).permutation(25000); p[:10]; (p * np.arange(25000)).sum()
    const p = new RandomState(113).permutation(25000);
    expect(p.slice(0, 10)).toEqual([7798, 13226, 18078, 793, 17499, 23003, 574, 19638, 5181, 23045]);
    expect(p.reduce((acc, v, i) => acc + v * i, 0)).toBe(3919982184325);
  });

  it('shuffles typed arrays and copies in permutation(array)', () => {
    const a = Int32Array.from({ length: 10 }, (_, i) => i);
    new RandomState(0).shuffle(a);
    expect([...a]).toEqual(STREAMS[0]!.perm10);
    const letters = ['a', 'b', 'c'];
    const shuffled = new RandomState(0).permutation(letters);
    expect(letters).toEqual(['a', 'b', 'c']);
    expect([...shuffled].sort()).toEqual(letters);
  });

  it('rejects bad seeds and bounds like numpy', () => {
    expect(() => new RandomState(-1)).toThrow(ValueError);
    expect(() => new RandomState(2 ** 32)).toThrow(/between 0 and 2\*\*32 - 1/);
    expect(() => new RandomState(1.5)).toThrow(ValueError);
    expect(() => new RandomState([])).toThrow(/non-empty/);
    expect(() => new RandomState(0).randint(3, 3)).toThrow(/low >= high/);
    expect(new RandomState().randomSample()).toBeLessThan(1);
  });
});
