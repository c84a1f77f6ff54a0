import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tensile from '../../index.js';
import { extractExamples, runExample } from '../../test-utils/doc-examples.js';
import * as wasm from './index.js';

// The wasm exports' @example blocks, run with `tensile` bound to the public API plus this module
// (the lead decides where src/index.ts re-exports it).
const files = ['index.ts', 'kernels.ts', 'native-loader.ts'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);

describe('wasm backend doc examples', () => {
  const examples = extractExamples(files);
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });
  for (const example of examples) {
    it(`runs: ${example.symbol}`, () => {
      runExample(example, { ...tensile, ...wasm });
    });
  }
});
