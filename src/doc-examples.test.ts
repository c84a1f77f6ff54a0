import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tensile from './index.js';
import { extractExamples, runExampleAsync } from './test-utils/doc-examples.js';

// Directories whose examples run here; random, initializers, data, plot and layers/rnn have
// their own doc-example tests beside them.
const DIRS = [
  'activations',
  'autograd',
  'backend',
  'callbacks',
  'engine',
  'layers',
  'layers/merge',
  'losses',
  'metrics',
  'models',
  'ops',
  'optimizers',
  'tensor',
  'training',
];

// Single files whose examples import from 'tensile': the backends' entry points, the Study API.
const FILES = ['backends/wasm/index.ts', 'backends/wasm/kernels.ts', 'studies/define.ts'];

const files = [
  ...DIRS.flatMap((dir) =>
    readdirSync(fileURLToPath(new URL(`./${dir}/`, import.meta.url)))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => fileURLToPath(new URL(`./${dir}/${f}`, import.meta.url))),
  ),
  ...FILES.map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url))),
];

describe('doc examples run', () => {
  const examples = extractExamples(files);
  it('finds examples', () => expect(examples.length).toBeGreaterThan(20));
  for (const ex of examples) {
    it(`${ex.file.split('/src/')[1]}: ${ex.symbol.slice(0, 60)}`, async () => {
      await runExampleAsync(ex, { ...tensile });
    });
  }
});
