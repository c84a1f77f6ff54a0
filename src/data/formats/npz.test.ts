import { describe, expect, it } from 'vitest';
import { readNpz } from './npz.js';
import { fixture, ITEMS, PICKLE, ZIP64 } from './test-fixtures.js';

const bytes = (name: string) => fixture(PICKLE, name);

describe('readNpz', () => {
  it('reads stored and deflated archives as np.savez / np.savez_compressed write them', () => {
    for (const name of ['npz_stored', 'npz_deflated']) {
      const npz = readNpz(bytes(name), `${name}.npz`);
      expect(npz.keys).toEqual(['x', 'y']);
      const x = npz.get('x', { allowPickle: true });
      expect(x.dtype === 'object' && x.data.toArrays()).toEqual(ITEMS);
      const y = npz.get('y.npy');
      expect([y.dtype, Array.from(y.data as Float64Array)]).toEqual(['int64', [1, 0, 1, 1]]);
    }
  });

  it('reads zip64 end records and extra fields', () => {
    const npz = readNpz(new Uint8Array(Buffer.from(ZIP64, 'base64')), 'z64.npz');
    expect(Array.from(npz.get('a').data as Int32Array)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(npz.get('b').data as Float64Array)).toEqual([1.5, 2.5]);
  });

  it('names the archive and the member in errors', () => {
    const npz = readNpz(bytes('npz_deflated'), 'a.npz');
    expect(() => npz.get('x_train')).toThrow(/a.npz: missing member 'x_train.npy' \(members: x.npy, y.npy\)/);
    expect(() => npz.get('x')).toThrow(/a.npz\[x.npy\]: object array \(pickle\) refused; pass allowPickle/);
    expect(() => readNpz(bytes('p2'), 'p.npz')).toThrow(/p.npz: not a zip archive/);
    const flipped = bytes('npz_stored');
    flipped[200] ^= 0xff; // inside x.npy's data: only the CRC can tell
    expect(() => readNpz(flipped, 'c.npz').get('x', { allowPickle: true })).toThrow(
      /c.npz\[x.npy\]: CRC-32 mismatch/,
    );
  });
});
