// Small files written by numpy, kept as base64, shared by the format tests and the corruption test.

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
export const NPY: Record<string, string> = {
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

// Fixtures from numpy 1.24.2 / Python 3.11 (/usr/bin/python3), base64 as printed by this script:
// import base64, io, pickle, struct, numpy as np
// def b64(b): return base64.b64encode(b).decode()
// def py2_pickle(items):
//     # Protocol 2 as Python 2 + numpy wrote Keras' imdb.npz (str typecodes as SHORT_BINSTRING).
//     B = lambda *xs: b''.join(xs)
//     def i(v): return B(b'K', bytes([v])) if 0 <= v < 256 else B(b'M', struct.pack('<H', v)) if 0 <= v < 65536 else B(b'J', struct.pack('<i', v))
//     out = B(b'\x80\x02', b'cnumpy.core.multiarray\n_reconstruct\nq\x01', b'cnumpy\nndarray\nq\x02', i(0), b'\x85q\x03',
//             b'U\x01bq\x04\x87q\x05Rq\x06(', i(1), i(len(items)), b'\x85q\x07', b'cnumpy\ndtype\nq\x08U\x02O8q\t\x89\x88\x87q\nRq\x0b(',
//             i(3), b'U\x01|q\x0cNNN', i(-1), i(-1), i(63), b'tq\rb\x89]q\x0e(')
//     for k, it in enumerate(items):
//         out += b']r' + struct.pack('<I', 15 + k)
//         if len(it) == 1: out += i(it[0]) + b'a'
//         elif it: out += b'(' + b''.join(i(v) for v in it) + b'e'
//     return out + b'etq\x0fb.'
// items = [[1, 2, 300], [70000], [], [5, 6]]
// arr = np.empty(len(items), dtype=object); arr[:] = [list(x) for x in items]
// p2 = py2_pickle(items)
// assert [list(x) for x in pickle.loads(p2, encoding='latin1')] == items
// p3 = pickle.dumps(arr, protocol=3); p4 = pickle.dumps(arr, protocol=4)
// print('p2', b64(p2)); print('p3', b64(p3)); print('p4', b64(p4))
// f = io.BytesIO(); np.savez(f, x=arr, y=np.array([1, 0, 1, 1])); print('npz_stored', b64(f.getvalue()))
// f = io.BytesIO(); np.savez_compressed(f, x=arr, y=np.array([1, 0, 1, 1])); print('npz_deflated', b64(f.getvalue()))
// a2 = np.empty((2, 2), dtype=object); a2[:] = [[[1], [2]], [[3], [4]]]; print('obj2d', b64(pickle.dumps(a2, protocol=3)))
// print('float_arr', b64(pickle.dumps(np.arange(3.0), protocol=3)))
// bad = np.empty(2, dtype=object); bad[:] = [[1, 2], ['x']]; print('str_item', b64(pickle.dumps(bad, protocol=3)))
// print('dict', b64(pickle.dumps({'a': 1}, protocol=2)))
// and p4np2 from numpy 2.4 (a second interpreter):
// # numpy 2.x writes protocol 4 with numpy._core globals (run with a numpy 2 interpreter).
// import base64, pickle, numpy as np
// arr = np.empty(4, dtype=object); arr[:] = [[1, 2, 300], [70000], [], [5, 6]]
// print('p4np2', base64.b64encode(pickle.dumps(arr, protocol=4)).decode(), np.__version__)
export const PICKLE: Record<string, string> = {
  p2: 'gAJjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAWNudW1weQpuZGFycmF5CnECSwCFcQNVAWJxBIdxBVJxBihLAUsEhXEHY251bXB5CmR0eXBlCnEIVQJPOHEJiYiHcQpScQsoSwNVAXxxDE5OTkr/////Sv////9LP3RxDWKJXXEOKF1yDwAAAChLAUsCTSwBZV1yEAAAAEpwEQEAYV1yEQAAAF1yEgAAAChLBUsGZWV0cQ9iLg==',
  p3: 'gANjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJDAWJxA4dxBFJxBShLAUsEhXEGY251bXB5CmR0eXBlCnEHWAIAAABPOHEIiYiHcQlScQooSwNYAQAAAHxxC05OTkr/////Sv////9LP3RxDGKJXXENKF1xDihLAUsCTSwBZV1xD0pwEQEAYV1xEF1xEShLBUsGZWV0cRJiLg==',
  p4: 'gASVpgAAAAAAAACMFW51bXB5LmNvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwSFlGgDjAVkdHlwZZSTlIwCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LP3SUYoldlChdlChLAUsCTSwBZV2USnARAQBhXZRdlChLBUsGZWV0lGIu',
  npz_stored:
    'UEsDBBQAAAAAAAAAIQCUxoZJOwEAADsBAAAFABQAeC5ucHkBABAAOwEAAAAAAAA7AQAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3xPJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKgANjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJDAWJxA4dxBFJxBShLAUsEhXEGY251bXB5CmR0eXBlCnEHWAIAAABPOHEIiYiHcQlScQooSwNYAQAAAHxxC05OTkr/////Sv////9LP3RxDGKJXXENKF1xDihLAUsCTSwBZV1xD0pwEQEAYV1xEF1xEShLBUsGZWV0cRJiLlBLAwQUAAAAAAAAACEAwRDIyqAAAACgAAAABQAUAHkubnB5AQAQAKAAAAAAAAAAoAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8aTgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNCwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAUEsBAhQDFAAAAAAAAAAhAJTGhkk7AQAAOwEAAAUAAAAAAAAAAAAAAIABAAAAAHgubnB5UEsBAhQDFAAAAAAAAAAhAMEQyMqgAAAAoAAAAAUAAAAAAAAAAAAAAIABcgEAAHkubnB5UEsFBgAAAAACAAIAZgAAAEkCAAAAAA==',
  npz_deflated:
    'UEsDBBQAAAAIAAAAIQCUxoZJ6AAAADsBAAAFABQAeC5ucHkBABAAOwEAAAAAAADoAAAAAAAAAKWMTUvDQBiEd5N+6PrV+gty2xVCTh7EiwfBQ5emUhDqYSmbzVsqtEnezUYIVvBS2p79wTW1/gPnMDDPDPMdvwyfXyl5Jx88hdJYfh/w1YiHAZ/l1lmdTXObwgE/6UUJDS/nuoAmi9vwJgw+g/+Iffkmq5ZFHZncQrSsFu5NW6trNrVg8qx0tjKOITmuWJYeW6SSrNF7pAn6G2yNsS0kla01dv6GqasLYNideISQ0R2e7LYbPB0jE9Kf0Iat8CyO48G+0a/JB4fnyU7hhVB4eXjzhiEFhVeDok+JVthT2BeyLTsADq+T6AdQSwMEFAAAAAgAAAAhAMEQyMpLAAAAoAAAAAUAFAB5Lm5weQEAEACgAAAAAAAAAEsAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaJjqaOgq1ChQALkYGVMCIRgMAUEsBAhQDFAAAAAgAAAAhAJTGhknoAAAAOwEAAAUAAAAAAAAAAAAAAIABAAAAAHgubnB5UEsBAhQDFAAAAAgAAAAhAMEQyMpLAAAAoAAAAAUAAAAAAAAAAAAAAIABHwEAAHkubnB5UEsFBgAAAAACAAIAZgAAAKEBAAAAAA==',
  obj2d:
    'gANjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJDAWJxA4dxBFJxBShLAUsCSwKGcQZjbnVtcHkKZHR5cGUKcQdYAgAAAE84cQiJiIdxCVJxCihLA1gBAAAAfHELTk5OSv////9K/////0s/dHEMYoldcQ0oXXEOSwFhXXEPSwJhXXEQSwNhXXERSwRhZXRxEmIu',
  float_arr:
    'gANjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJDAWJxA4dxBFJxBShLAUsDhXEGY251bXB5CmR0eXBlCnEHWAIAAABmOHEIiYiHcQlScQooSwNYAQAAADxxC05OTkr/////Sv////9LAHRxDGKJQxgAAAAAAAAAAAAAAAAAAPA/AAAAAAAAAEBxDXRxDmIu',
  str_item:
    'gANjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJDAWJxA4dxBFJxBShLAUsChXEGY251bXB5CmR0eXBlCnEHWAIAAABPOHEIiYiHcQlScQooSwNYAQAAAHxxC05OTkr/////Sv////9LP3RxDGKJXXENKF1xDihLAUsCZV1xD1gBAAAAeHEQYWV0cRFiLg==',
  dict: 'gAJ9cQBYAQAAAGFxAUsBcy4=',
  p4np2:
    'gASVpwAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsEhZRoA4wFZHR5cGWUk5SMAk84lImIh5RSlChLA4wBfJROTk5K/////0r/////Sz90lGKJXZQoXZQoSwFLAk0sAWVdlEpwEQEAYV2UXZQoSwVLBmVldJRiLg==',
};

// An npz with zip64 records, written by Python 3.11's zipfile + numpy 1.24.2:
// import base64, io, zipfile, numpy as np
// # Force zip64 records on a tiny archive by lowering zipfile's limits (as a >4 GB npz would need them).
// zipfile.ZIP64_LIMIT = 16; zipfile.ZIP_FILECOUNT_LIMIT = 1
// f = io.BytesIO()
// with zipfile.ZipFile(f, 'w', zipfile.ZIP_DEFLATED) as z:
//     for k, v in {'a': np.arange(5, dtype='<i4'), 'b': np.array([1.5, 2.5])}.items():
//         with z.open(k + '.npy', 'w', force_zip64=True) as m: np.lib.format.write_array(m, v)
// data = f.getvalue()
// assert data.rfind(b'PK\x06\x06') > 0 and data.rfind(b'PK\x06\x07') > 0
// with np.load(io.BytesIO(data)) as n: assert n['a'].tolist() == [0, 1, 2, 3, 4]
// print(base64.b64encode(data).decode())
export const ZIP64 =
  'UEsDBC0AAAAIAAAAIQA1/GVj//////////8FABQAYS5ucHkBABAAlAAAAAAAAABRAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GqY6mjoKtQoUAC4GIGAEYiYgZgZiFiAGAFBLAwQtAAAACAAAACEAlN4RyP//////////BQAUAGIubnB5AQAQAJAAAAAAAAAATAAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2ahrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOpo6CrUKFAAuBjD4YQ+hWRwAUEsBAi0DLQAAAAgAAAAhADX8ZWP//////////wUAFAAAAAAAAAAAAIABAAAAAGEubnB5AQAQAJQAAAAAAAAAUQAAAAAAAABQSwECLQMtAAAACAAAACEAlN4RyP//////////BQAcAAAAAAAAAAAAgAH/////Yi5ucHkBABgAkAAAAAAAAABMAAAAAAAAAIgAAAAAAAAAUEsGBiwAAAAAAAAALQAtAAAAAAAAAAAAAgAAAAAAAAACAAAAAAAAAJYAAAAAAAAACwEAAAAAAABQSwYHAAAAAKEBAAAAAAAAAQAAAFBLBQYAAAAAAgACAJYAAAALAQAAAAA=';

/** The items of the object array in the pickle and npz fixtures. */
export const ITEMS = [[1, 2, 300], [70000], [], [5, 6]];

/**
 * The bytes of fixture `name` from `table`.
 *
 * @example
 * parseNpy(fixture(NPY, 'i4<'), 'i4.npy').shape; // [2, 3]
 */
export function fixture(table: Record<string, string>, name: string): Uint8Array {
  const b64 = table[name];
  if (b64 === undefined) throw new Error(`no fixture '${name}'`);
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/**
 * An IDX file as LeCun's format page defines it: 0, 0, type code, rank, big-endian dims, big-endian data.
 *
 * @example
 * parseIdx(makeIdx(0x08, [2], [3, 4]), 'x.idx').data; // Uint8Array [3, 4]
 */
export function makeIdx(code: number, shape: number[], values: number[]): Uint8Array {
  const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[code]!;
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, shape.length]);
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  const at = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const o = at + size * i;
    if (code === 0x08) view.setUint8(o, v);
    else if (code === 0x09) view.setInt8(o, v);
    else if (code === 0x0b) view.setInt16(o, v);
    else if (code === 0x0c) view.setInt32(o, v);
    else if (code === 0x0d) view.setFloat32(o, v);
    else view.setFloat64(o, v);
  });
  return out;
}
