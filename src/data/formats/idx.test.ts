import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { parseIdx } from './idx.js';
import { makeIdx } from './test-fixtures.js';

describe('parseIdx', () => {
  it('reads every IDX element type, gzipped or not', () => {
    const cases: [number, string, number[]][] = [
      [0x08, 'uint8', [0, 255, 7, 8, 9, 10]],
      [0x09, 'int8', [-128, 127, 0, 1, 2, 3]],
      [0x0b, 'int16', [-32768, 32767, 0, 1, 2, 3]],
      [0x0c, 'int32', [-(2 ** 31), 2 ** 31 - 1, 0, 1, 2, 3]],
      [0x0d, 'float32', [1.5, -0.25, 0, 1, 2, 3]],
      [0x0e, 'float64', [0.1, -1e300, 0, 1, 2, 3]],
    ];
    for (const [code, dtype, values] of cases) {
      const raw = makeIdx(code, [2, 3], values);
      for (const file of [raw, gzipSync(raw)]) {
        const a = parseIdx(file, 'x.idx');
        expect([a.dtype, a.shape, Array.from(a.data)]).toEqual([dtype, [2, 3], values]);
      }
    }
  });

  it('names the file and the problem for bad magic, bad sizes and broken gzip', () => {
    const good = makeIdx(0x08, [2, 2], [1, 2, 3, 4]);
    expect(() => parseIdx(good.subarray(0, 14), 'a.idx')).toThrow(
      /a.idx: IDX shape \[2,2\] needs 4 data bytes, file has 2/,
    );
    expect(() => parseIdx(new Uint8Array([...good, 0]), 'a.idx')).toThrow(/file has 5/);
    expect(() => parseIdx(good.subarray(0, 6), 'a.idx')).toThrow(/truncated: dimension 0/);
    expect(() => parseIdx(makeIdx(0x08, [2, 2], [1, 2, 3, 4]).fill(1, 0, 1), 'b.idx')).toThrow(
      /not an IDX file \(magic 0x01000802\)/,
    );
    const odd = good.slice();
    odd[2] = 0x0a;
    expect(() => parseIdx(odd, 'c.idx')).toThrow(DataFormatError);
    const gz = gzipSync(good);
    expect(() => parseIdx(gz.subarray(0, gz.length - 3), 'd.gz')).toThrow(
      /d.gz: gzip: unexpected end of file/,
    );
    const crc = gz.slice();
    crc[crc.length - 6] ^= 1;
    expect(() => parseIdx(crc, 'e.gz')).toThrow(/e.gz: gzip:/);
  });
});
