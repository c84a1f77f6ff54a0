import type { BinaryOp, CompareOp, FusedActivation, ReduceOp, UnaryOp } from '../../backend/backend.js';
import { TensileError } from '../../errors.js';
import type { KernelExports } from './generated/kernels-exports.js';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';

export type { KernelExports } from './generated/kernels-exports.js';

/** The part of the WebAssembly JS API used here (the project's `lib` has no DOM types to take it from). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, never>) => { readonly exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

// Op codes shared with the AssemblyScript switches; the parity tests exercise every one of them.
export const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  rsqrt: 4,
  square: 5,
  abs: 6,
  sign: 7,
  reciprocal: 8,
  tanh: 9,
  sigmoid: 10,
  relu: 11,
  step: 12,
  floor: 13,
  round: 14,
};
/** Unary ops with an int32 kernel (the ops layer casts the rest to float32 first). */
export const INT_UNARY = new Set<UnaryOp>(['neg', 'square', 'abs', 'sign', 'relu', 'step', 'floor', 'round']);
/** Broadcast codes: float32 binary 0..6, int32 binary +8, float32 compare 16..21, int32 compare +8, where 32. */
export const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
};
export const INT_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'maximum', 'minimum']);
export const COMPARE_CODE: Record<CompareOp, number> = {
  equal: 16,
  notEqual: 17,
  less: 18,
  lessEqual: 19,
  greater: 20,
  greaterEqual: 21,
};
export const INT_OFFSET = 8;
export const WHERE_CODE = 32;
export const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };
export const ACT_CODE: Record<FusedActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

function decodeBase64(text: string): Uint8Array {
  // atob exists in browsers and in Node ≥ 16, so no Buffer (and no bundler polyfill) is needed.
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiled: object | null = null;

/**
 * Compiles (once) and instantiates the kernels synchronously: Node compiles modules of any size on the
 * main thread. Each call returns a fresh instance with its own memory.
 */
export function instantiateKernels(): KernelExports {
  if (!wasmAvailable())
    throw new TensileError('wasm backend: this JavaScript engine has no WebAssembly SIMD');
  const api = wasmApi()!;
  compiled ??= new api.Module(decodeBase64(KERNELS_WASM_BASE64));
  return new api.Instance(compiled, {}).exports as KernelExports;
}

/** The smallest module using SIMD: () -> v128 { i8x16.popcnt(i8x16.splat(0)) } (wasm-feature-detect's probe). */
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
];
let available: boolean | null = null;

/**
 * Whether this engine runs the wasm backend (WebAssembly with 128-bit SIMD): true in Node ≥ 16.4 and
 * current browsers.
 *
 * @example
 * import { wasmAvailable } from 'tensile';
 * console.log(wasmAvailable()); // true
 */
export function wasmAvailable(): boolean {
  if (available === null) {
    try {
      available = wasmApi()?.validate(new Uint8Array(SIMD_PROBE)) === true;
    } catch {
      available = false;
    }
  }
  return available;
}
