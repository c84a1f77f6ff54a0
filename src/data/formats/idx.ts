import { ByteReader, elementCount } from './bytes.js';
import { gunzip, isGzip } from './compression.js';

/** Element types of the IDX format (MNIST and Fashion-MNIST use uint8). */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxDType; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

/**
 * Parses an IDX file (LeCun's MNIST format), gunzipping it first when it is gzip-compressed.
 * Layout: 0x00 0x00, a type code, the rank, one big-endian uint32 per dimension, then the data
 * (big-endian), which must be exactly as long as the dimensions say.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * const labels = parseIdx(readFileSync('train-labels-idx1-ubyte.gz'), 'train-labels-idx1-ubyte.gz');
 * console.log(labels.shape); // [60000]
 */
export function parseIdx(file: Uint8Array, path: string): IdxArray {
  const bytes = isGzip(file) ? gunzip(file, path) : file;
  const r = new ByteReader(bytes, path);
  const zero = r.u8('magic') | r.u8('magic');
  const code = r.u8('type code');
  const rank = r.u8('rank');
  const type = TYPES[code];
  if (zero !== 0 || type === undefined) {
    r.fail(
      `not an IDX file (magic 0x${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('')})`,
    );
  }
  if (rank === 0) r.fail('IDX rank 0');
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(r.u32be(`dimension ${d}`));
  const n = elementCount(shape, path, 'IDX shape');
  if (n * type.size !== r.remaining) {
    r.fail(`IDX shape [${shape}] needs ${n * type.size} data bytes, file has ${r.remaining}`);
  }
  const raw = r.take(r.remaining, 'data');
  if (type.size === 1)
    return {
      dtype: type.dtype,
      shape,
      data: type.dtype === 'int8' ? new Int8Array(raw.slice().buffer) : raw,
    };
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = {
    int16: (i: number) => view.getInt16(2 * i),
    int32: (i: number) => view.getInt32(4 * i),
    float32: (i: number) => view.getFloat32(4 * i),
    float64: (i: number) => view.getFloat64(8 * i),
  }[type.dtype as 'int16'];
  const data =
    type.dtype === 'int16'
      ? new Int16Array(n)
      : type.dtype === 'int32'
        ? new Int32Array(n)
        : type.dtype === 'float32'
          ? new Float32Array(n)
          : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = read(i);
  return { dtype: type.dtype, shape, data };
}
