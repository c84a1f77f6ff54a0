import type { Tape } from '../autograd/tape.js';
import type { Backend } from '../backend/backend.js';
import { tsBackend } from '../backends/ts/index.js';
import { wasmAvailable, wasmBackend } from '../backends/wasm/index.js';
import { TensileError } from '../errors.js';
import { allocArray, type DType, type TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { newDataRef, releaseOnGC, Tensor, Variable } from '../tensor/tensor.js';

/**
 * Engine state: the active backend, the stack of synchronous scopes, and the tape being recorded.
 * Scopes are only ever open during synchronous code (a scope function that returns a promise is an
 * error), so this stack is never shared across `await`s.
 */
class Scope {
  readonly tensors: Tensor[] = [];
}

const scopes: Scope[] = [];
let activeBackend: Backend | null = null;
/**
 * Picks the default backend on first use, never at import time: WebAssembly SIMD where it loads
 * (Node, current browsers), else the TypeScript reference backend.
 */
let backendResolver: () => Backend = () => (wasmAvailable() ? wasmBackend : tsBackend);
/** The tape recording the current training step, if any. */
export let activeTape: Tape | null = null;

/** Lets src/backend/select.ts supply a faster default backend. */
export function setBackendResolver(resolve: () => Backend): void {
  backendResolver = resolve;
}

let backendSelections = 0;

/**
 * Selects the backend for tensors made without operands (`tensor`, `zeros`, initializers). The
 * engine itself never calls this: values follow their operands, so nothing flips it temporarily.
 */
export function setActiveBackend(backend: Backend): void {
  activeBackend = backend;
  backendSelections++;
}

/** How many times the selected backend was set; tests use it to show fit and backward never flip it. */
export function backendSelectionCount(): number {
  return backendSelections;
}

/** The selected backend, chosen on first use. */
export function getActiveBackend(): Backend {
  if (activeBackend === null) {
    activeBackend = backendResolver();
  }
  return activeBackend;
}

export function setActiveTape(tape: Tape | null): Tape | null {
  const previous = activeTape;
  activeTape = tape;
  return previous;
}

/** Wraps backend data of `size` elements in a new tensor tracked by the current scope. */
export function makeTensor(backend: Backend, data: unknown, shape: Shape, dtype: DType): Tensor {
  const t = new Tensor(newDataRef(backend, data, sizeOfShape(shape), dtype), shape, dtype);
  track(t);
  return t;
}

function sizeOfShape(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A new tensor enters the innermost scope, or the finalizer when no scope is open. */
export function track(t: Tensor): void {
  const top = scopes[scopes.length - 1];
  if (top) top.tensors.push(t);
  else releaseOnGC(t);
}

/** Collects the tensors reachable from a scope's result (tensors, arrays, plain objects). */
function collectKept(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectKept(v, into);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectKept(v, into);
  }
}

/**
 * Runs `fn` synchronously and frees every tensor it created except variables and what it returns
 * (tensors anywhere inside returned arrays or plain objects). Returned tensors move to the enclosing
 * scope, or to garbage collection when there is none.
 *
 * @example
 * import { scope, tensor, add } from 'tensile';
 * const sum = scope(() => add(tensor([1, 2]), tensor([3, 4]))); // the inputs are freed, sum is kept
 */
export function scope<T>(fn: () => T): T {
  const s = new Scope();
  scopes.push(s);
  let result: T;
  try {
    result = fn();
    if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
      throw new TensileError('scope(fn): fn must be synchronous; scopes cannot span an await');
    }
  } catch (e) {
    scopes.pop();
    for (const t of s.tensors) if (!(t instanceof Variable)) t.dispose();
    throw e;
  }
  scopes.pop();
  const kept = new Set<Tensor>();
  collectKept(result, kept);
  for (const t of s.tensors) {
    if (t instanceof Variable || t.isDisposed) continue;
    if (kept.has(t)) track(t);
    else t.dispose();
  }
  return result;
}

/** Keeps a tensor alive past the current scope (it is then freed by garbage collection). */
export function keep<T extends Tensor>(t: T): T {
  const top = scopes[scopes.length - 1];
  if (top) {
    const i = top.tensors.indexOf(t);
    if (i >= 0) {
      top.tensors.splice(i, 1);
      releaseOnGC(t);
    }
  }
  return t;
}

/**
 * A new tensor whose values `fill` writes in place: straight into backend memory when the backend
 * supports it, else into an array that is then uploaded. On the selected backend unless one is given.
 */
export function tensorFilledBy(
  shape: Shape,
  dtype: DType,
  fill: (view: TypedArray) => void,
  backend: Backend = getActiveBackend(),
): Tensor {
  const size = sizeOfShape(shape);
  if (backend.allocWith) return makeTensor(backend, backend.allocWith(size, dtype, fill), shape, dtype);
  const values = allocArray(dtype, size);
  fill(values);
  return makeTensor(backend, backend.upload(values), shape, dtype);
}

/**
 * `t` on `backend`: `t` itself when it already lives there, else a copy (the values are read from
 * t's backend and uploaded to `backend`). The copy is a new tensor with no gradient link to `t`.
 *
 * @example
 * import { tensor, tsBackend, copyToBackend } from 'tensile';
 * const onTs = copyToBackend(tensor([1, 2, 3]), tsBackend);
 * console.log(onTs.backend.name, onTs.toArray()); // ts [1, 2, 3]
 */
export function copyToBackend(t: Tensor, backend: Backend): Tensor {
  const ref = t.liveRef('copyToBackend');
  if (ref.backend === backend) return t;
  return makeTensor(
    backend,
    backend.upload(ref.backend.read(t.info('copyToBackend', true))),
    t.shape,
    t.dtype,
  );
}

/** A tensor that shares `source`'s storage under another shape (reshape never copies). */
export function viewTensor(source: Tensor, shape: Shape): Tensor {
  const ref = source.ref;
  if (ref === null) throw new TensileError(`reshape: tensor ${source.id} was disposed`);
  const t = new Tensor(ref, shape, source.dtype);
  track(t);
  return t;
}
