import type { Backend } from '../backend/backend.js';
import { DTypeError, ShapeError, TensileError } from '../errors.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { type Shape, shapesEqual, sizeOf } from './shape.js';

/** Backend storage shared by tensors that view the same data (reshape shares, it never copies). */
export class DataRef {
  refs = 0;
  constructor(
    readonly backend: Backend,
    public data: unknown,
    readonly bytes: number,
  ) {}

  release(): void {
    if (--this.refs === 0) {
      this.backend.free(this.data);
      liveStats.storages--;
      liveStats.bytes -= this.bytes;
      this.data = null;
    }
  }
}

/** Live storage counts across all backends; the memory tests assert these stay flat. */
export const liveStats = { storages: 0, bytes: 0, tensors: 0 };

export function newDataRef(backend: Backend, data: unknown, size: number, dtype: DType): DataRef {
  const bytes = size * bytesPerElement(dtype);
  liveStats.storages++;
  liveStats.bytes += bytes;
  return new DataRef(backend, data, bytes);
}

export type NestedArray = number | NestedArray[];

/** What the finalizer releases: a box, so a Variable's `assign` can swap storage under it. */
interface Holder {
  ref: DataRef | null;
}

const finalizer = new FinalizationRegistry<Holder>((holder) => {
  const ref = holder.ref;
  holder.ref = null;
  if (ref) {
    liveStats.tensors--;
    ref.release();
  }
});

/** Hands a tensor to garbage collection: its storage is released when the tensor is collected. */
export function releaseOnGC(t: Tensor): void {
  finalizer.register(t, t.gcHolder(), t);
}

let nextTensorId = 0;

/**
 * An immutable n-dimensional array of float32, int32 or uint8 values owned by a backend.
 * Users never free tensors: the training loop frees each step's intermediates, and a
 * FinalizationRegistry frees the rest. `dispose()` exists for code that wants memory back early.
 *
 * @example
 * import { tensor } from 'tensile';
 * const t = tensor([[1, 2], [3, 4]]);
 * console.log(t.shape, t.toArray()); // [2, 2] [[1, 2], [3, 4]]
 */
export class Tensor {
  readonly id = nextTensorId++;
  readonly size: number;
  /** The backend that owns the storage (known even after dispose, so errors can name the op). */
  readonly backend: Backend;
  private readonly holder: Holder;
  /**
   * @internal Set on the output of a sigmoid or softmax activation. Losses use it the way Keras
   * uses `_keras_logits`: cross-entropy is computed from the logits, which is exact and stable.
   */
  kerasLogits: { readonly kind: 'sigmoid' | 'softmax'; readonly logits: Tensor } | undefined;

  constructor(
    ref: DataRef,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {
    this.size = sizeOf(shape);
    this.backend = ref.backend;
    this.holder = { ref };
    ref.refs++;
    liveStats.tensors++;
  }

  /** @internal what the finalizer releases for this tensor. */
  gcHolder(): Holder {
    return this.holder;
  }

  /** @internal the storage; null once disposed. */
  get ref(): DataRef | null {
    return this.holder.ref;
  }

  protected setRef(next: DataRef | null): void {
    this.holder.ref = next;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.ref === null;
  }

  /**
   * @internal the backend's view of this tensor. Only the ops that handle uint8 storage (casts, reads,
   * byte-moving layout ops) pass `uint8Ok`; every other primitive is refused a uint8 tensor here, so
   * an op that forgot to promote one fails with its name instead of computing on bytes.
   */
  info(op: string, uint8Ok = false): { data: unknown; shape: Shape; dtype: DType } {
    if (this.dtype === 'uint8' && !uint8Ok) {
      throw new DTypeError(
        op,
        `uint8 tensors are not supported (shape [${this.shape}]); cast first, e.g. cast(x, 'float32')`,
      );
    }
    return { data: this.liveRef(op).data, shape: this.shape, dtype: this.dtype };
  }

  /** A copy of the values in row-major order. */
  dataSync(): TypedArray {
    const ref = this.liveRef('dataSync');
    const values = ref.backend.read(this.info('dataSync', true));
    return values instanceof Float64Array ? Float32Array.from(values) : values.slice();
  }

  /** The values as nested JavaScript arrays (a plain number for a scalar). */
  toArray(): NestedArray {
    const values = this.dataSync();
    if (this.rank === 0) return values[0]!;
    let offset = 0;
    const build = (dim: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === this.rank - 1 ? values[offset++]! : build(dim + 1);
      return out;
    };
    return build(0);
  }

  /** The single value of a tensor with one element. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', [this.shape], 'tensor has more than one element');
    return this.liveRef('item').backend.read(this.info('item', true))[0]!;
  }

  /** Frees the storage now (optional; garbage collection and training scopes do it otherwise). */
  dispose(): void {
    if (this.ref === null) return;
    const ref = this.ref;
    this.setRef(null);
    finalizer.unregister(this);
    liveStats.tensors--;
    ref.release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    if (this.isDisposed) return `Tensor(disposed, shape=[${this.shape}], dtype=${this.dtype})`;
    const preview = this.size <= 20 ? JSON.stringify(this.toArray()) : `${this.size} values`;
    return `Tensor(shape=[${this.shape}], dtype=${this.dtype}, ${preview})`;
  }

  /** @internal the storage, or an error naming `op` when the tensor was disposed. */
  liveRef(op: string): DataRef {
    if (this.ref === null) throw new TensileError(`${op}: tensor ${this.id} was disposed`);
    return this.ref;
  }
}

let nextVariableId = 0;

/**
 * The one mutable tensor: weights, optimizer slots and batch-norm statistics. Scopes never free
 * variables; `assign` swaps in new storage and releases the old. A variable lives on the backend of
 * its initial value for its whole life: `assign` copies a value from another backend across.
 *
 * @example
 * import { Variable, tensor, tsBackend } from 'tensile';
 * const w = new Variable(tensor([0, 0], undefined, 'float32', { backend: tsBackend }));
 * w.assign(tensor([1, 2])); // from the selected backend: copied onto ts
 * console.log(w.backend.name, w.toArray()); // ts [1, 2]
 */
export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  constructor(initial: Tensor, opts: { name?: string; trainable?: boolean } = {}) {
    super(initial.liveRef('Variable'), initial.shape, initial.dtype);
    this.name = opts.name ?? `variable_${nextVariableId++}`;
    this.trainable = opts.trainable ?? true;
    releaseOnGC(this);
  }

  /**
   * Replaces the value. The new value must have the same shape and dtype. A value on the variable's
   * backend is shared (no copy); a value on another backend is copied onto the variable's, so a
   * variable never changes backend and never mixes with another backend's storage.
   */
  assign(value: Tensor): void {
    const op = `assign to ${this.name}`;
    if (!shapesEqual(value.shape, this.shape))
      throw new ShapeError(op, [this.shape, value.shape], 'shapes differ');
    if (value.dtype !== this.dtype) throw new DTypeError(op, `dtype ${value.dtype} ≠ ${this.dtype}`);
    const source = value.liveRef(op);
    const next =
      source.backend === this.backend
        ? source
        : newDataRef(
            this.backend,
            this.backend.upload(source.backend.read(value.info(op, true))),
            value.size,
            value.dtype,
          );
    next.refs++;
    this.liveRef(op).release();
    this.setRef(next);
  }
}
