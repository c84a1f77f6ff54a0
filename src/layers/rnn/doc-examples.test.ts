import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../backend/select.js';
import * as tensile from '../../index.js';
import { extractExamples, runExample } from '../../test-utils/doc-examples.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => `${here}${f}`);
const files = [
  ...sources,
  fileURLToPath(new URL('../embedding.ts', import.meta.url)),
  fileURLToPath(new URL('../../ops/rnn.ts', import.meta.url)),
  fileURLToPath(new URL('../../backend/backend.ts', import.meta.url)),
];

beforeAll(() => setBackend('ts'));

describe('recurrent layer doc examples', () => {
  // backend.ts is shared: only the fused sequence kernel types are ours.
  const examples = extractExamples(files).filter(
    (e) => !e.file.endsWith('backend.ts') || /Rnn(CellKind|Sequence)/.test(e.symbol),
  );
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(40);
  });
  for (const example of examples) {
    it(`runs: ${example.file.split('/').pop()} ${example.symbol}`, () => {
      runExample(example, { ...tensile });
    });
  }
});
