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
 * Selects the backend new tensors are created on: a Backend value or a known name ('wasm', 'wasm-threads', 'ts').
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

/** The backend ops currently run on. */
export function getBackend(): Backend {
  return getActiveBackend();
}

/** Runs `fn` with `backend` active, restoring the previous one when `fn` returns (so `fn` should be synchronous). */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = getActiveBackend();
  setActiveBackend(backend);
  try {
    return fn();
  } finally {
    setActiveBackend(previous);
  }
}
