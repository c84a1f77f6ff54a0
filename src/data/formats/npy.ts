import { ByteReader, elementCount, formatError } from './bytes.js';
import type { IntLists } from './int-lists.js';
import { type HeaderValue, parseHeaderLiteral } from './npy-header.js';
import { unpickleIntLists } from './pickle.js';

/** Numeric element types a .npy file may hold (int64 is decoded to numbers; see `readInt64`). */
export type NpyNumericDType =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float32'
  | 'float64';

export type NpyNumericData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** A parsed .npy array. Data is always row-major (C order), whatever the file's `fortran_order`. */
export type NpyArray =
  | { dtype: NpyNumericDType; shape: number[]; fortranOrder: boolean; data: NpyNumericData }
  | { dtype: 'object'; shape: number[]; fortranOrder: boolean; data: IntLists };

export interface NpyOptions {
  /** Accept object arrays (a pickle, read by the restricted unpickler). Default false, as in numpy. */
  allowPickle?: boolean;
}

type Kind = { dtype: NpyNumericDType; size: number; Array: new (n: number) => NpyNumericData };
const KINDS: Record<string, Kind> = {
  b1: { dtype: 'bool', size: 1, Array: Uint8Array },
  '?': { dtype: 'bool', size: 1, Array: Uint8Array },
  u1: { dtype: 'uint8', size: 1, Array: Uint8Array },
  i1: { dtype: 'int8', size: 1, Array: Int8Array },
  i2: { dtype: 'int16', size: 2, Array: Int16Array },
  u2: { dtype: 'uint16', size: 2, Array: Uint16Array },
  i4: { dtype: 'int32', size: 4, Array: Int32Array },
  u4: { dtype: 'uint32', size: 4, Array: Uint32Array },
  i8: { dtype: 'int64', size: 8, Array: Float64Array },
  f4: { dtype: 'float32', size: 4, Array: Float32Array },
  f8: { dtype: 'float64', size: 8, Array: Float64Array },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy itself refuses headers past 10 000 bytes unless told otherwise; we allow some slack. */
const MAX_HEADER = 100_000;

function readHeader(r: ByteReader): { descr: string; fortranOrder: boolean; shape: number[] } {
  const magic = r.take(6, 'magic');
  if (!MAGIC.every((b, i) => magic[i] === b)) r.fail('not a .npy file (wrong magic number)');
  const major = r.u8('version');
  r.u8('minor version');
  if (major < 1 || major > 3) r.fail(`unsupported .npy version ${major}`);
  const length = major === 1 ? r.u16le('header length') : r.u32le('header length');
  if (length > MAX_HEADER) r.fail(`header length ${length} is implausibly large`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(r.take(length, 'header'));
  const header = parseHeaderLiteral(text.trimEnd(), r.path);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) r.fail('header is not a dict');
  const keys = Object.keys(header).sort().join(',');
  if (keys !== 'descr,fortran_order,shape')
    r.fail(`header keys are {${keys}}, expected descr, fortran_order, shape`);
  const { descr, fortran_order: fortranOrder, shape } = header as Record<string, HeaderValue>;
  if (typeof descr !== 'string') r.fail(`unsupported dtype ${JSON.stringify(descr)} (structured arrays)`);
  if (typeof fortranOrder !== 'boolean') r.fail('fortran_order is not a bool');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number'))
    r.fail('shape is not a tuple of ints');
  return { descr: descr as string, fortranOrder: fortranOrder as boolean, shape: shape as number[] };
}

/** int64 → float64 numbers, refusing values a double cannot hold exactly. */
function readInt64(view: DataView, n: number, little: boolean, path: string): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = view.getUint32(8 * i + (little ? 0 : 4), little);
    const hi = view.getInt32(8 * i + (little ? 4 : 0), little);
    const v = hi * 0x100000000 + lo; // exact whenever the result is a safe integer
    if (!Number.isSafeInteger(v)) throw formatError(path, `int64 value at index ${i} is beyond ±(2^53 - 1)`);
    out[i] = v;
  }
  return out;
}

function readNumeric(raw: Uint8Array, kind: Kind, n: number, little: boolean, path: string): NpyNumericData {
  if (kind.size === 1) {
    // Booleans are normalized to 0/1: numpy treats any non-zero byte as True.
    if (kind.dtype === 'bool') return Uint8Array.from(raw, (b) => (b !== 0 ? 1 : 0));
    return kind.dtype === 'int8' ? new Int8Array(raw.slice().buffer) : raw.slice();
  }
  const copy = raw.slice(); // aligned, owned copy
  const view = new DataView(copy.buffer);
  if (kind.dtype === 'int64') return readInt64(view, n, little, path);
  if (little) {
    // Safe: kind.Array is one of the typed-array constructors listed for this dtype in the table
    // above, each of which takes an ArrayBuffer; the union of their types is not constructible in TS.
    const Ctor = kind.Array as unknown as new (b: ArrayBuffer) => NpyNumericData;
    return new Ctor(copy.buffer);
  }
  const out = new kind.Array(n);
  const get = {
    int16: (i: number) => view.getInt16(2 * i),
    uint16: (i: number) => view.getUint16(2 * i),
    int32: (i: number) => view.getInt32(4 * i),
    uint32: (i: number) => view.getUint32(4 * i),
    float32: (i: number) => view.getFloat32(4 * i),
    float64: (i: number) => view.getFloat64(8 * i),
  }[kind.dtype as 'int16'];
  for (let i = 0; i < n; i++) out[i] = get(i);
  return out;
}

/** Reorders column-major data into row-major order. */
function fortranToC<T extends { length: number; [i: number]: unknown }>(
  src: T,
  shape: number[],
  make: () => T,
): T {
  if (shape.length < 2) return src;
  const out = make();
  const rank = shape.length;
  const strides = new Array<number>(rank);
  strides[0] = 1;
  for (let d = 1; d < rank; d++) strides[d] = strides[d - 1]! * shape[d - 1]!;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < src.length; o++) {
    let f = 0;
    for (let d = 0; d < rank; d++) f += idx[d]! * strides[d]!;
    out[o] = src[f];
    for (let d = rank - 1; d >= 0 && ++idx[d]! === shape[d]; d--) idx[d] = 0;
  }
  return out;
}

/**
 * Parses a .npy file (format versions 1–3). Every size is checked against the bytes actually present.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * const arr = parseNpy(readFileSync('y_train.npy'), 'y_train.npy');
 * console.log(arr.dtype, arr.shape); // 'int64' [25000]
 */
export function parseNpy(bytes: Uint8Array, path: string, options: NpyOptions = {}): NpyArray {
  const r = new ByteReader(bytes, path);
  const { descr, fortranOrder, shape } = readHeader(r);
  const m = /^([<>|=]?)([a-zA-Z?]\d*)$/.exec(descr);
  const order = m?.[1] ?? '';
  const code = m?.[2] ?? descr;
  const n = elementCount(shape, path, 'shape');
  if (code === 'O' || code === 'O8' || code === 'O4') {
    if (!options.allowPickle) r.fail('object array (pickle) refused; pass allowPickle to read it');
    const items = unpickleIntLists(r.take(r.remaining, 'pickle'), path);
    if (items.length !== n)
      r.fail(`header shape [${shape}] holds ${n} items, the pickle has ${items.length}`);
    const identity = () => Int32Array.from({ length: n }, (_, i) => i);
    const data = fortranOrder ? items.pick(fortranToC(identity(), shape, () => new Int32Array(n))) : items;
    return { dtype: 'object', shape, fortranOrder, data };
  }
  const kind = KINDS[code];
  if (kind === undefined) r.fail(`unsupported dtype '${descr}'`);
  if (order === '|' && kind.size > 1) r.fail(`dtype '${descr}' needs a byte order`);
  const expected = n * kind.size;
  if (r.remaining !== expected) {
    r.fail(`header shape [${shape}] of ${descr} needs ${expected} data bytes, file has ${r.remaining}`);
  }
  const raw = r.take(expected, 'data');
  let data = readNumeric(raw, kind, n, order !== '>', path);
  if (fortranOrder) data = fortranToC(data, shape, () => new kind.Array(n));
  return { dtype: kind.dtype, shape, fortranOrder, data };
}
