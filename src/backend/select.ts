import { tsBackend } from '../backends/ts/index.js';
import { createWasmBackend, wasmBackend } from '../backends/wasm/index.js';
import { getActiveBackend, setActiveBackend } from '../engine/engine.js';
import { ValueError } from '../errors.js';
import type { Backend } from './backend.js';

const known = new Map<string, () => Backend>([
  ['ts', () => tsBackend],
  ['wasm', () => wasmBackend],
  // Two threads over shared memory: faster for large GEMMs when the second core is free.
  ['wasm-threads', () => (wasmThreads ??= createWasmBackend({ threads: 2 }))],
]);
let wasmThreads: Backend | undefined;

/**
 * Selects the backend for new tensors that have no operands to follow (`tensor`, `zeros`, data sets,
 * the weights of a model built from now on): a Backend value or a known name ('wasm', 'wasm-threads', 'ts').
 * Existing tensors and models stay where they are: ops run on their operands' backend, and a model
 * runs where its weights live (fit, evaluate and predict copy data there). The engine never calls it.
 *
 * @example
 * import { setBackend, getBackend } from 'tensile';
 * setBackend('ts');
 * console.log(getBackend().name); // ts
 */
export function setBackend(backend: Backend | string): void {
  if (typeof backend !== 'string') {
    setActiveBackend(backend);
    return;
  }
  const make = known.get(backend);
  if (!make)
    throw new ValueError(`setBackend: unknown backend '${backend}' (known: ${[...known.keys()].join(', ')})`);
  setActiveBackend(make());
}

/**
 * The selected backend: where tensors made without operands go (ops follow their operands instead).
 *
 * @example
 * import { getBackend } from 'tensile';
 * console.log(['ts', 'wasm', 'wasm-threads'].includes(getBackend().name)); // true
 */
export function getBackend(): Backend {
  return getActiveBackend();
}

/**
 * Runs `fn` with `backend` selected, restoring the previous one when `fn` returns (so `fn` should be
 * synchronous). A convenience for user code and tests; the engine itself never flips the selection.
 *
 * @example
 * import { withBackend, tsBackend, zeros } from 'tensile';
 * console.log(withBackend(tsBackend, () => zeros([2])).backend.name); // ts
 */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = getActiveBackend();
  setActiveBackend(backend);
  try {
    return fn();
  } finally {
    setActiveBackend(previous);
  }
}
