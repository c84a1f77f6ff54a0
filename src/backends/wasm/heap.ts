import type { TensorInfo } from '../../backend/backend.js';
import { ShapeError } from '../../errors.js';
import type { BackendArray, DType, TypedArray } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import { Allocator } from './allocator.js';
import { type GemmArgs, MAX_ARG_BLOCK_BYTES, writeGemmArgs } from './generated/kernels-exports.js';
import { instantiateKernels, type KernelExports } from './kernels.js';
import { nativeGemm } from './native.js';

/** Ranks above this are collapsed or rejected: the parameter area holds 5 int32 arrays of this length. */
export const MAX_RANK = 32;

/**
 * One instance of the kernels with its linear memory, allocator and typed-array views. The views are
 * re-made whenever memory grows (growth detaches the old ArrayBuffer), so code reads `heap.f32` after
 * any allocation instead of keeping a view across one.
 */
export class Heap {
  readonly k: KernelExports;
  readonly allocator: Allocator;
  f32!: Float32Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  /** Parameter area for kernel plans (dims and strides as int32 arrays). */
  readonly plan: number;
  /** Where a kernel's argument block is written just before the call (kernels never nest). */
  readonly argBlock: number;
  private scratch = 0;

  /** `kernels`: an instance made elsewhere (the thread pool's, on shared memory); default a fresh one. */
  constructor(kernels: KernelExports = instantiateKernels()) {
    this.k = kernels;
    this.allocator = new Allocator(this.k.memory, this.k.heapBase(), () => this.refresh());
    this.refresh();
    this.plan = this.allocator.reserve(5 * MAX_RANK * 4);
    this.argBlock = this.allocator.reserve(MAX_ARG_BLOCK_BYTES);
  }

  private refresh(): void {
    this.f32 = new Float32Array(this.k.memory.buffer);
    this.i32 = new Int32Array(this.k.memory.buffer);
    this.u8 = new Uint8Array(this.k.memory.buffer);
  }

  /** Storage for `size` 4-byte elements. */
  malloc(size: number): number {
    return this.allocator.alloc(size * 4);
  }

  /** Storage for `size` elements of `dtype`: uint8 packs four to a 4-byte slot. */
  mallocFor(size: number, dtype: DType): number {
    return this.malloc(dtype === 'uint8' ? Math.ceil(size / 4) : size);
  }

  free(ptr: number): void {
    this.allocator.free(ptr);
  }

  /**
   * The calling thread's scratch, reserved on first use and kept (it is the same size for every
   * call): the GEMM packing buffers, then the Winograd work area (threadScratchBytes).
   */
  gemmScratch(): number {
    if (this.scratch === 0) this.scratch = this.allocator.reserve(this.k.threadScratchBytes());
    return this.scratch;
  }

  /**
   * C = A·B (or += with `accumulate` 1) through the module's GEMM: the one function every GEMM of the
   * backend goes through, so a different GEMM (threads, a native addon) is swapped in at one place.
   */
  gemm(args: GemmArgs): void {
    const { m, n, k, c, ldc } = args;
    const a = { ptr: args.a, rs: args.rsa, cs: args.csa };
    const b = { ptr: args.b, rs: args.rsb, cs: args.csb };
    if (nativeGemm(this, m, n, k, a, b, c, ldc, args.accumulate !== 0)) return;
    this.k.gemm(writeGemmArgs(this, this.argBlock, args), this.gemmScratch());
  }

  upload(values: TypedArray | Float64Array): number {
    if (values instanceof Uint8Array) {
      const bytes = this.mallocFor(values.length, 'uint8');
      this.u8.set(values, bytes);
      return bytes;
    }
    const ptr = this.malloc(values.length);
    if (values instanceof Int32Array) this.i32.set(values, ptr >> 2);
    else this.f32.set(values, ptr >> 2); // Float64Array rounds to float32 here
    return ptr;
  }

  /** A view of a tensor's elements, valid until the next allocation. */
  view(x: TensorInfo): BackendArray {
    return this.viewOf(x.data as number, sizeOf(x.shape), x.dtype);
  }

  viewOf(ptr: number, size: number, dtype: DType): TypedArray {
    if (dtype === 'uint8') return this.u8.subarray(ptr, ptr + size);
    const at = ptr >> 2;
    return dtype === 'int32' ? this.i32.subarray(at, at + size) : this.f32.subarray(at, at + size);
  }

  fill(ptr: number, size: number, value: number, dtype: DType): void {
    if (dtype === 'uint8') {
      this.u8.fill(value, ptr, ptr + size);
      return;
    }
    const at = ptr >> 2;
    if (dtype === 'int32') this.i32.fill(value, at, at + size);
    else this.f32.fill(value, at, at + size);
  }

  /** Copies `size` elements between storages (memmove semantics). */
  copy(dst: number, src: number, size: number): void {
    this.i32.copyWithin(dst >> 2, src >> 2, (src >> 2) + size);
  }

  /** Writes int32 arrays back to back into the parameter area; returns its address. */
  writePlan(op: string, ...arrays: readonly (readonly number[])[]): number {
    const rank = arrays[0]!.length;
    if (rank > MAX_RANK) throw new ShapeError(op, [arrays[0]!], `wasm backend supports rank ≤ ${MAX_RANK}`);
    let at = this.plan >> 2;
    for (const a of arrays) {
      this.i32.set(a, at);
      at += a.length;
    }
    return this.plan;
  }
}

/**
 * Merges adjacent dims that every stride array walks contiguously (stride[d] = stride[d+1]·dim[d+1]) and
 * drops dims of size 1, so kernels see the fewest, longest rows. Returns rank ≥ 1.
 */
export function collapse(
  dims: readonly number[],
  strides: readonly (readonly number[])[],
): [number[], number[][]] {
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < dims.length; d++) {
    const n = dims[d]!;
    if (n === 1) continue;
    const last = outDims.length - 1;
    const merge = last >= 0 && strides.every((s, i) => outStrides[i]![last] === s[d]! * n);
    if (merge) outDims[last]! *= n;
    else outDims.push(n);
    for (let i = 0; i < strides.length; i++) {
      if (merge) outStrides[i]![last] = strides[i]![d]!;
      else outStrides[i]!.push(strides[i]![d]!);
    }
  }
  if (outDims.length === 0) return [[1], strides.map(() => [0])];
  return [outDims, outStrides];
}
