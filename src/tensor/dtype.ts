/** Element types a Tensor can hold. Booleans are int32 0/1, as in the comparison ops. */
export type DType = 'float32' | 'int32';

export type TypedArray = Float32Array | Int32Array;

/** What a backend may hand back from `read`: the float64 reference backend stores floats as float64. */
export type BackendArray = Float32Array | Float64Array | Int32Array;

/** Array type that stores a dtype. */
export type ArrayFor<D extends DType> = D extends 'float32' ? Float32Array : Int32Array;

export function allocArray(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
}

export function dtypeOfArray(values: TypedArray): DType {
  return values instanceof Float32Array ? 'float32' : 'int32';
}

/** numpy-style promotion restricted to our two dtypes: any float makes the result float. */
export function upcast(a: DType, b: DType): DType {
  return a === 'float32' || b === 'float32' ? 'float32' : 'int32';
}

export const BYTES_PER_ELEMENT = 4;
