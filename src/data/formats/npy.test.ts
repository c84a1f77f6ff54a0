import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { parseNpy } from './npy.js';

// Fixtures written by numpy 1.24.2 (base64 of each .npy file, printed by this script):
// import io, base64, numpy as np
// def npy(a, version=None):
//     f = io.BytesIO(); np.lib.format.write_array(f, a, version=version, allow_pickle=True); return base64.b64encode(f.getvalue()).decode()
// vals = {'b1': [[True, False, True], [False, False, True]], 'u1': [[0, 1, 255], [7, 128, 9]], 'i1': [[-128, 0, 127], [-1, 5, 6]],
//         'i2': [[-32768, 1, 32767], [-2, 300, 7]], 'u2': [[0, 65535, 2], [3, 4, 5]], 'i4': [[-2**31, 0, 2**31 - 1], [-5, 70000, 8]],
//         'u4': [[0, 2**32 - 1, 3], [4, 5, 6]], 'i8': [[-(2**53 - 1), 0, 2**53 - 1], [-7, 2**40, 9]],
//         'f4': [[1.5, -0.25, 3.4028234663852886e38], [0.1, float('inf'), -2.0]], 'f8': [[1.5, -0.25, 1e300], [0.1, -float('inf'), 5e-324]]}
// for code, v in vals.items():
//     for order in '<>':
//         dt = np.dtype(order + code if code not in ('b1', 'u1', 'i1') else code)
//         a = np.array(v, dtype=dt)
//         print(f"{code}{order}", npy(a))
// print('fortran', npy(np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4))))
// print('v2', npy(np.arange(3, dtype='<f8'), version=(2, 0)))
// print('v3', npy(np.arange(3, dtype='<i2'), version=(3, 0)))
// print('scalar', npy(np.array(7, dtype='<i4')))
// print('empty', npy(np.zeros((0, 3), dtype='<f4')))
// print('u8', npy(np.arange(2, dtype='<u8')))
// print('c8', npy(np.arange(2, dtype='<c8')))
// print('struct', npy(np.zeros(2, dtype=[('a', '<i4')])))
// print('bigi8', npy(np.array([2**62], dtype='<i8')))
const NPY: Record<string, string> = {
  'b1<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAEAAAE=',
  'b1>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAEAAAE=',
  'u1<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf8HgAk=',
  'u1>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf8HgAk=',
  'i1<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAH//BQY=',
  'i1>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAH//BQY=',
  'i2<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAgAEA/3/+/ywBBwA=',
  'i2>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAAABf////gEsAAc=',
  'u2<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPHUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAP//AgADAAQABQA=',
  'u2>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPnUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAP//AAIAAwAEAAU=',
  'i4<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAACAAAAAAP///3/7////cBEBAAgAAAA=',
  'i4>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAAAAAAAAAH/////////7AAERcAAAAAg=',
  'u4<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPHU0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA/////wMAAAAEAAAABQAAAAYAAAA=',
  'u4>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPnU0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA/////wAAAAMAAAAEAAAABQAAAAY=',
  'i8<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAADg/wAAAAAAAAAA////////HwD5/////////wAAAAAAAQAACQAAAAAAAAA=',
  'i8>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/4AAAAAAAAQAAAAAAAAAAAB//////////////////+QAAAQAAAAAAAAAAAAAAAAk=',
  'f4<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AACAvv//f3/NzMw9AACAfwAAAMA=',
  'f4>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/wAAAvoAAAH9///89zMzNf4AAAMAAAAA=',
  'f8<':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAANC/nHUAiDzkN36amZmZmZm5PwAAAAAAAPD/AQAAAAAAAAA=',
  'f8>':
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/+AAAAAAAAL/QAAAAAAAAfjfkPIgAdZw/uZmZmZmZmv/wAAAAAAAAAAAAAAAAAAE=',
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAADAAAAAQAAAAQAAAACAAAABQAAAABAAAADQAAAAUAAAARAAAACQAAABUAAAACAAAADgAAAAYAAAASAAAACgAAABYAAAADAAAADwAAAAcAAAATAAAACwAAABcAAAA=',
  v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAPA/AAAAAAAAAEA=',
  v3: 'k05VTVBZAwB0AAAAeydkZXNjcic6ICc8aTInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAEAAgA=',
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAA',
  empty:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=',
  u8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPHU4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAEAAAAAAAAA',
  c8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAgD8AAAAA',
  struct:
    'k05VTVBZAQB2AHsnZGVzY3InOiBbKCdhJywgJzxpNCcpXSwgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAA==',
  bigi8:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAQA==',
};

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

const bytes = (name: string) => new Uint8Array(Buffer.from(NPY[name]!, 'base64'));

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
