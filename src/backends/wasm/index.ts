import type {
  Backend,
  BinaryOp,
  CompareOp,
  Conv2dBackwardArgs,
  FusedActivation,
  InPlaceUpdate,
  OptimizerUpdate,
  ReduceOp,
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  TensorInfo,
  UnaryOp,
  WindowGeometry,
} from '../../backend/backend.js';
import type { BackendArray, DType, TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { batchNormInfer, batchNormTrain, batchNormTrainBackward } from './batch-norm.js';
import * as bytes from './bytes.js';
import { conv2dBlocked, conv2dBlockedBackward, useBlockedConv } from './conv-blocked.js';
import * as ew from './elementwise.js';
import * as fused from './fused.js';
import type { Heap } from './heap.js';
import * as layout from './layout.js';
import { matmul } from './matmul.js';
import { disableNative } from './native.js';
import { conv2dNative, conv2dNativeBackward, nativeConvFor } from './native-conv.js';
import { optimizerStep } from './optimizer.js';
import { argmax, reduce } from './reduce.js';
import { rnnSequence, rnnSequenceBackward } from './rnn.js';
import { closeHeap, createHeap, heapThreads } from './threads.js';
import * as window from './window.js';
import { conv2dWinograd, conv2dWinogradBackward, useWinograd } from './winograd.js';

export { wasmAvailable } from './kernels.js';
export { type NativeStatus, nativeStatus } from './native-loader.js';

/**
 * The WebAssembly SIMD backend. Storage is a byte offset into the module's linear memory (a number),
 * owned by the allocator in heap.ts and released by the engine through `free`. Kernels are compiled
 * from src/backends/wasm/assembly/ by `npm run build:wasm`.
 *
 * The kernels are instantiated on first use, not at construction, so importing and even creating the
 * lazy `wasmBackend` costs nothing until a tensor lives on it.
 */
class WasmBackend implements Backend {
  readonly name = 'wasm';
  private heap_: Heap | null = null;

  constructor(
    eager: boolean,
    private readonly threadCount = 1,
    private readonly native = true,
  ) {
    if (eager) this.heap_ = this.createHeap();
  }

  private createHeap(): Heap {
    const heap = createHeap(this.threadCount);
    if (!this.native) disableNative(heap);
    return heap;
  }

  private get heap(): Heap {
    this.heap_ ??= this.createHeap();
    return this.heap_;
  }

  /** Threads the big kernels (GEMMs, optimizer steps, convolution kernels) run on: 1 unless created with `threads`. */
  get threads(): number {
    return this.heap_ ? heapThreads(this.heap_) : 1;
  }
  /** Stops the worker threads, if any; the backend keeps working on the calling thread. */
  close(): void {
    if (this.heap_) closeHeap(this.heap_);
  }

  allocWith(size: number, dtype: DType, fill: (view: TypedArray) => void): unknown {
    const ptr = this.heap.mallocFor(size, dtype);
    fill(this.heap.viewOf(ptr, size, dtype));
    return ptr;
  }
  upload(values: TypedArray | Float64Array): unknown {
    return this.heap.upload(values);
  }
  read(x: TensorInfo): BackendArray {
    return this.heap.view(x);
  }
  free(data: unknown): void {
    this.heap.free(data as number);
  }
  heapBytes(): number {
    return this.heap_ ? this.heap_.allocator.bytesInUse : 0;
  }
  fill(size: number, value: number, dtype: DType): unknown {
    return ew.fill(this.heap, size, value, dtype);
  }
  unary(op: UnaryOp, x: TensorInfo): unknown {
    return ew.unary(this.heap, op, x);
  }
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown {
    return ew.binary(this.heap, op, a, b, outShape);
  }
  binaryInPlace(op: BinaryOp, a: TensorInfo, b: TensorInfo): void {
    ew.binaryInPlace(this.heap, op, a, b);
  }
  compare(op: CompareOp, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown {
    return ew.compare(this.heap, op, a, b, outShape);
  }
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): unknown {
    return ew.where(this.heap, cond, a, b, outShape);
  }
  cast(x: TensorInfo, dtype: DType): unknown {
    if (x.dtype === 'uint8' || dtype === 'uint8') return bytes.cast(this.heap, x, dtype);
    return ew.cast(this.heap, x, dtype);
  }
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): unknown {
    return reduce(this.heap, op, x, axes);
  }
  argmax(x: TensorInfo, axis: number): unknown {
    return argmax(this.heap, x, axis);
  }
  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): unknown {
    return matmul(this.heap, a, b, transA, transB);
  }
  transpose(x: TensorInfo, perm: readonly number[]): unknown {
    if (x.dtype === 'uint8') return bytes.transpose(this.heap, x, perm);
    return layout.transpose(this.heap, x, perm);
  }
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): unknown {
    if (x.dtype === 'uint8') return bytes.slice(this.heap, x, begin, size);
    return layout.slice(this.heap, x, begin, size);
  }
  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): unknown {
    if (xs[0]!.dtype === 'uint8') return bytes.concat(this.heap, xs, axis, outShape);
    return layout.concat(this.heap, xs, axis, outShape);
  }
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): unknown {
    return layout.pad(this.heap, x, paddings, value);
  }
  firstIndexOutOfRange(indices: TensorInfo, n: number): number {
    return layout.firstIndexOutOfRange(this.heap, indices, n);
  }
  gather(x: TensorInfo, indices: TensorInfo, axis: number): unknown {
    if (x.dtype === 'uint8') return bytes.gather(this.heap, x, indices, axis);
    return layout.gather(this.heap, x, indices, axis);
  }
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): unknown {
    return layout.scatterAdd(this.heap, updates, indices, axis, outShape);
  }
  dense(x: TensorInfo, w: TensorInfo, b: TensorInfo | null, act: FusedActivation): unknown {
    return fused.dense(this.heap, x, w, b, act);
  }
  denseBackward(
    dy: TensorInfo,
    x: TensorInfo,
    w: TensorInfo,
    y: TensorInfo,
    act: FusedActivation,
    hasBias: boolean,
    needDx: boolean,
    update?: InPlaceUpdate,
  ) {
    return fused.denseBackward(this.heap, dy, x, w, y, act, hasBias, needDx, update);
  }
  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo) {
    return fused.softmaxCrossEntropy(this.heap, logits, labels);
  }
  sigmoidCrossEntropy(logits: TensorInfo, labels: TensorInfo) {
    return fused.sigmoidCrossEntropy(this.heap, logits, labels);
  }
  batchNormTrain(x: TensorInfo, gamma: TensorInfo | null, beta: TensorInfo | null, epsilon: number) {
    return batchNormTrain(this.heap, x, gamma, beta, epsilon);
  }
  batchNormTrainBackward(
    dy: TensorInfo,
    x: TensorInfo,
    mean: TensorInfo,
    invStd: TensorInfo,
    gamma: TensorInfo | null,
  ) {
    return batchNormTrainBackward(this.heap, dy, x, mean, invStd, gamma);
  }
  batchNormInfer(
    x: TensorInfo,
    mean: TensorInfo,
    variance: TensorInfo,
    gamma: TensorInfo | null,
    beta: TensorInfo | null,
    epsilon: number,
  ) {
    return batchNormInfer(this.heap, x, mean, variance, gamma, beta, epsilon);
  }
  optimizerStep(
    update: OptimizerUpdate,
    vars: readonly TensorInfo[],
    grads: readonly TensorInfo[],
    slots: readonly (readonly TensorInfo[])[],
  ): boolean {
    return optimizerStep(this.heap, update, vars, grads, slots);
  }
  im2col(x: TensorInfo, g: WindowGeometry, padValue: number): unknown {
    return window.im2col(this.heap, x, g, padValue);
  }
  col2im(dcols: TensorInfo, g: WindowGeometry, xShape: Shape): unknown {
    return window.col2im(this.heap, dcols, g, xShape);
  }
  maxPool(x: TensorInfo, g: WindowGeometry) {
    return window.maxPool(this.heap, x, g);
  }
  maxPoolBackward(dy: TensorInfo, index: TensorInfo, xShape: Shape): unknown {
    return window.maxPoolBackward(this.heap, dy, index, xShape);
  }
  conv2d(
    x: TensorInfo,
    kernel: TensorInfo,
    bias: TensorInfo | null,
    g: WindowGeometry,
    act: FusedActivation,
  ) {
    const addon = nativeConvFor(this.heap);
    if (addon) {
      const y = conv2dNative(this.heap, addon, x, kernel, bias, g, act);
      if (y !== null) return y;
    }
    if (useWinograd(this.heap, g, x.shape[3]!, kernel.shape[3]!))
      return conv2dWinograd(this.heap, x, kernel, bias, g, act);
    if (useBlockedConv(g, x.shape[0]!, x.shape[3]!)) return conv2dBlocked(this.heap, x, kernel, bias, g, act);
    return null;
  }
  conv2dBackward(args: Conv2dBackwardArgs) {
    // oneDNN's backward when the addon has convolutions (when it lacks one for this geometry, the
    // blocked backward below is the exact gradient of the same convolution as well).
    const addon = nativeConvFor(this.heap);
    if (addon) {
      const grads = conv2dNativeBackward(this.heap, addon, args);
      if (grads !== null) return grads;
    }
    // Either method's backward is the exact gradient of the same convolution; the forward's choice is
    // repeated so the rounding matches the forward's method.
    const { geometry, x, kernel } = args;
    const backward = useWinograd(this.heap, geometry, x.shape[3]!, kernel.shape[3]!)
      ? conv2dWinogradBackward
      : conv2dBlockedBackward;
    return backward(this.heap, args);
  }
  rnnSequence(args: RnnSequenceArgs) {
    return rnnSequence(this.heap, args);
  }
  rnnSequenceBackward(args: RnnSequenceArgs, grads: RnnSequenceBackwardInputs) {
    return rnnSequenceBackward(this.heap, args, grads);
  }
}

/**
 * Options of `createWasmBackend`.
 *
 * @example
 * import { createWasmBackend } from 'tensile';
 * const wasm = createWasmBackend({ threads: 2 });
 * wasm.close();
 */
export interface WasmBackendOptions {
  /**
   * Threads for large GEMMs, optimizer steps and convolution kernels (Winograd, patches, pooling,
   * dense epilogues; default 1). Above 1 the kernels run on a shared memory with `threads - 1`
   * worker threads (Node ≥ 20.16); without worker_threads or SharedArrayBuffer the backend is
   * single-threaded. Results are identical either way, except a Winograd convolution's kernel
   * gradient: its threads' partial sums are added in a fixed order, so it is deterministic for a
   * thread count but rounds differently from one thread.
   */
  readonly threads?: number;
  /**
   * Whether large GEMMs may run in the optional native addon (default true; it is used only when it
   * was built and loads, see `nativeStatus()`). `false` keeps every product on the wasm kernels.
   */
  readonly native?: boolean;
}

/**
 * A backend made by `createWasmBackend`: its thread count and a `close()` for its worker threads
 * (which never keep the process alive, and are closed anyway when the backend is collected).
 *
 * @example
 * import { createWasmBackend } from 'tensile';
 * console.log(createWasmBackend().threads); // 1
 */
export interface WasmBackendHandle extends Backend {
  readonly threads: number;
  close(): void;
}

/**
 * Creates a wasm backend with its own linear memory, compiling the kernels now (synchronously).
 * Throws when the engine lacks WebAssembly SIMD; check `wasmAvailable()` first.
 *
 * @example
 * import { createWasmBackend, wasmAvailable, withBackend, tensor, add } from 'tensile';
 * if (wasmAvailable()) {
 *   const wasm = createWasmBackend();
 *   console.log(withBackend(wasm, () => add(tensor([1, 2]), tensor([3, 4])).toArray())); // [4, 6]
 * }
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackendHandle {
  return new WasmBackend(true, options.threads ?? 1, options.native ?? true);
}

/**
 * The shared wasm backend. Its kernels are compiled the first time a tensor is created on it, so
 * importing it has no cost and no side effect.
 *
 * @example
 * import { wasmBackend, setBackend, getBackend } from 'tensile';
 * setBackend(wasmBackend);
 * console.log(getBackend().name); // wasm
 * setBackend('ts');
 */
export const wasmBackend: Backend = /* @__PURE__ */ new WasmBackend(false);
