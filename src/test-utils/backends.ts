import { describe } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { withBackend } from '../backend/select.js';
import { tsBackend } from '../backends/ts/index.js';
import { wasmBackend } from '../backends/wasm/index.js';

/**
 * Every backend the suite runs on. A test file wraps its cases in `forEachBackend`, so the same
 * assertions hold each backend to the reference. Backends that skip a case list it in their
 * own skip-list file (none yet).
 */
export const BACKENDS: Backend[] = [tsBackend, wasmBackend];

export function forEachBackend(title: string, body: (backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend.name}]`, () => body(backend));
  }
}

/** Runs `fn` with `backend` active (shorthand for test bodies). */
export function on<T>(backend: Backend, fn: () => T): T {
  return withBackend(backend, fn);
}
