import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RandomState } from '../../random/random-state.js';
import { mutate } from '../../test-utils/mutate.js';
import { DataFormatError } from '../errors.js';
import { parseIdx } from './idx.js';
import { type NpyArray, parseNpy } from './npy.js';
import { readNpz } from './npz.js';
import { unpickleIntLists } from './pickle.js';
import { fixture, makeIdx, NPY, PICKLE, ZIP64 } from './test-fixtures.js';

/**
 * Thousands of seeded mutations of small valid files. Every outcome must be a parse that is
 * consistent (and identical to the original where a CRC protects the content), or a DataFormatError:
 * never another exception, a hang, or an out-of-bounds read.
 */
type Parser = { name: string; file: Uint8Array; parse: (b: Uint8Array) => unknown; crcProtected: boolean };

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A successful parse must be self-consistent: as many values as the shape says, of the right kind. */
const checked = (a: NpyArray): NpyArray => {
  if (a.data.length !== sizeOf(a.shape)) throw new Error('npy: data length disagrees with shape');
  if (a.dtype === 'object') {
    const { values, offsets } = a.data;
    let ok = offsets[0] === 0 && offsets[offsets.length - 1] === values.length;
    for (let i = 1; i < offsets.length && ok; i++) ok = offsets[i]! >= offsets[i - 1]!;
    if (!ok) throw new Error('npy: object items are not well-formed int lists');
  }
  return a;
};
const npyResult = (b: Uint8Array) => checked(parseNpy(b, 'f.npy', { allowPickle: true }));
const npzResult = (b: Uint8Array) => {
  const npz = readNpz(b, 'f.npz');
  return npz.keys.map((k) => checked(npz.get(k, { allowPickle: true })));
};
const idxResult = (b: Uint8Array) => {
  const a = parseIdx(b, 'f.idx');
  if (a.data.length !== sizeOf(a.shape)) throw new Error('idx: data length disagrees with shape');
  return a;
};

const idx = makeIdx(0x0c, [3, 2], [1, -2, 3, 40000, 5, 6]);
const PARSERS: Parser[] = [
  { name: 'npy i4', file: fixture(NPY, 'i4<'), parse: npyResult, crcProtected: false },
  { name: 'npy f8 big-endian', file: fixture(NPY, 'f8>'), parse: npyResult, crcProtected: false },
  { name: 'npy fortran', file: fixture(NPY, 'fortran'), parse: npyResult, crcProtected: false },
  {
    name: 'pickle py2',
    file: fixture(PICKLE, 'p2'),
    parse: (b) => unpickleIntLists(b, 'p').toArrays(),
    crcProtected: false,
  },
  {
    name: 'pickle np2',
    file: fixture(PICKLE, 'p4np2'),
    parse: (b) => unpickleIntLists(b, 'p').toArrays(),
    crcProtected: false,
  },
  { name: 'npz stored', file: fixture(PICKLE, 'npz_stored'), parse: npzResult, crcProtected: true },
  { name: 'npz deflated', file: fixture(PICKLE, 'npz_deflated'), parse: npzResult, crcProtected: true },
  {
    name: 'npz zip64',
    file: new Uint8Array(Buffer.from(ZIP64, 'base64')),
    parse: npzResult,
    crcProtected: true,
  },
  { name: 'idx', file: idx, parse: idxResult, crcProtected: false },
  { name: 'idx gz', file: gzipSync(idx), parse: idxResult, crcProtected: true },
];

describe('parsers under random corruption', () => {
  it('every mutated file parses consistently or fails with a DataFormatError (6,000 seeded cases)', () => {
    const rng = new RandomState(20261122);
    const started = performance.now();
    const counts = { ok: 0, rejected: 0 };
    for (let c = 0; c < 6000; c++) {
      const p = PARSERS[c % PARSERS.length]!;
      let bytes = p.file;
      for (let k = rng.randint(1, 4); k > 0; k--) bytes = mutate(bytes, rng);
      let result: unknown;
      try {
        result = p.parse(bytes);
      } catch (e) {
        if (!(e instanceof DataFormatError)) {
          throw new Error(`case ${c} (${p.name}): ${(e as Error).name}: ${(e as Error).message}`);
        }
        counts.rejected++;
        continue;
      }
      counts.ok++;
      if (p.crcProtected) expect(result, `case ${c} (${p.name})`).toEqual(p.parse(p.file));
    }
    expect(counts.rejected).toBeGreaterThan(3000);
    expect(counts.ok).toBeGreaterThan(100);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
