/**
 * Element types a Tensor can hold. Booleans are int32 0/1, as in the comparison ops.
 *
 * 'uint8' is a storage type for raw bytes (MNIST images as `mnist.loadData()` returns them, like
 * Keras' numpy arrays): it is stored one byte per element, and only the ops that move bytes keep it
 * (reshape, slice, gather, concat, transpose, stack/split built on them). Arithmetic promotes it
 * first: with float32 to float32, with int32 or with uint8 to int32 (numpy keeps uint8 and wraps
 * modulo 256; here `add(u8, u8)` is an int32 sum that never wraps), and true division to float32
 * straight from the bytes. `cast(x, 'uint8')` wraps modulo 256 as numpy's `astype` does. Every other
 * op refuses a uint8 tensor with an error naming the op (cast it first).
 */
export type DType = 'float32' | 'int32' | 'uint8';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** What a backend may hand back from `read`: the float64 reference backend stores floats as float64. */
export type BackendArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Array type that stores a dtype. */
export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'uint8'
    ? Uint8Array
    : Int32Array;

export function allocArray(dtype: DType, size: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(size);
  return dtype === 'uint8' ? new Uint8Array(size) : new Int32Array(size);
}

export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  return values instanceof Uint8Array ? 'uint8' : 'int32';
}

/** Whether a dtype holds integers (int32 and uint8). */
export function isIntegerDType(dtype: DType): boolean {
  return dtype !== 'float32';
}

/**
 * The dtype two operands are promoted to: any float makes the result float, as in numpy; otherwise
 * int32, also for two uint8 operands (numpy keeps uint8 and wraps modulo 256; see DType).
 */
export function upcast(a: DType, b: DType): DType {
  return a === 'float32' || b === 'float32' ? 'float32' : 'int32';
}

/** Bytes one element of `dtype` takes in storage. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'uint8' ? 1 : 4;
}
