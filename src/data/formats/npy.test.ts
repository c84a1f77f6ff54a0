import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { parseNpy } from './npy.js';
import { fixture, NPY } from './test-fixtures.js';

const f32 = Math.fround;
const VALUES: Record<string, number[]> = {
  b1: [1, 0, 1, 0, 0, 1],
  u1: [0, 1, 255, 7, 128, 9],
  i1: [-128, 0, 127, -1, 5, 6],
  i2: [-32768, 1, 32767, -2, 300, 7],
  u2: [0, 65535, 2, 3, 4, 5],
  i4: [-(2 ** 31), 0, 2 ** 31 - 1, -5, 70000, 8],
  u4: [0, 2 ** 32 - 1, 3, 4, 5, 6],
  i8: [-(2 ** 53 - 1), 0, 2 ** 53 - 1, -7, 2 ** 40, 9],
  f4: [1.5, -0.25, 3.4028234663852886e38, f32(0.1), Number.POSITIVE_INFINITY, -2],
  f8: [1.5, -0.25, 1e300, 0.1, Number.NEGATIVE_INFINITY, 5e-324],
};
const DTYPES: Record<string, string> = {
  b1: 'bool',
  u1: 'uint8',
  i1: 'int8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
};

const bytes = (name: string) => fixture(NPY, name);

describe('parseNpy', () => {
  for (const [code, values] of Object.entries(VALUES)) {
    for (const order of ['<', '>']) {
      it(`reads ${code} in ${order === '<' ? 'little' : 'big'}-endian order`, () => {
        const a = parseNpy(bytes(code + order), 'x.npy');
        expect(a.dtype).toBe(DTYPES[code]);
        expect(a.shape).toEqual([2, 3]);
        expect(Array.from(a.data as ArrayLike<number>)).toEqual(values);
      });
    }
  }

  it('reorders fortran_order data into C order', () => {
    const a = parseNpy(bytes('fortran'), 'f.npy');
    expect(a.fortranOrder).toBe(true);
    expect(a.shape).toEqual([2, 3, 4]);
    expect(Array.from(a.data as Int32Array)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('reads format versions 2 and 3, scalars and empty arrays', () => {
    expect(Array.from(parseNpy(bytes('v2'), 'v2.npy').data as Float64Array)).toEqual([0, 1, 2]);
    expect(Array.from(parseNpy(bytes('v3'), 'v3.npy').data as Int16Array)).toEqual([0, 1, 2]);
    const s = parseNpy(bytes('scalar'), 's.npy');
    expect([s.shape, Array.from(s.data as Int32Array)]).toEqual([[], [7]]);
    const e = parseNpy(bytes('empty'), 'e.npy');
    expect([e.shape, e.data.length]).toEqual([[0, 3], 0]);
  });

  it('refuses unsupported dtypes and int64 values a number cannot hold, naming the file', () => {
    expect(() => parseNpy(bytes('u8'), 'u8.npy')).toThrow(/u8.npy: unsupported dtype '<u8'/);
    expect(() => parseNpy(bytes('c8'), 'c8.npy')).toThrow(/unsupported dtype '<c8'/);
    expect(() => parseNpy(bytes('struct'), 's.npy')).toThrow(/structured/);
    expect(() => parseNpy(bytes('bigi8'), 'b.npy')).toThrow(/beyond ±\(2\^53 - 1\)/);
  });

  it('refuses truncated data, trailing bytes, bad magic and bad headers', () => {
    const good = bytes('i4<');
    expect(() => parseNpy(good.subarray(0, good.length - 1), 't.npy')).toThrow(
      /t.npy: header shape \[2,3\] of <i4 needs 24 data bytes, file has 23/,
    );
    expect(() => parseNpy(new Uint8Array([...good, 0]), 't.npy')).toThrow(/file has 25/);
    expect(() => parseNpy(good.subarray(0, 20), 't.npy')).toThrow(/truncated: header needs/);
    const magic = good.slice();
    magic[1] = 0x4f;
    expect(() => parseNpy(magic, 'm.npy')).toThrow(/not a .npy file/);
    const text = (h: string) => {
      const body = new TextEncoder().encode(h);
      return new Uint8Array([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, body.length, 0, ...body]);
    };
    expect(() => parseNpy(text("{'descr': '<i4', 'shape': (1,)}"), 'h.npy')).toThrow(/header keys/);
    expect(() =>
      parseNpy(text("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}"), 'h.npy'),
    ).toThrow(DataFormatError);
    expect(() =>
      parseNpy(text("{'descr': '<i4', 'fortran_order': False, 'shape': (-1,)}\n"), 'h.npy'),
    ).toThrow(/bad dimension -1/);
    expect(() =>
      parseNpy(text("{'descr': __import__('os'), 'fortran_order': False, 'shape': ()}"), 'h.npy'),
    ).toThrow(/unexpected token/);
    expect(() => parseNpy(text('(((((((((((1,),),),),),),),),),)'), 'h.npy')).toThrow(/nesting too deep/);
  });

  it('accepts Python 2 long suffixes in the shape', () => {
    const body = new TextEncoder().encode("{'descr': '|u1', 'fortran_order': False, 'shape': (2L,), }\n");
    const file = new Uint8Array([
      0x93,
      ...new TextEncoder().encode('NUMPY'),
      1,
      0,
      body.length,
      0,
      ...body,
      4,
      5,
    ]);
    expect(Array.from(parseNpy(file, 'py2.npy').data as Uint8Array)).toEqual([4, 5]);
  });
});
