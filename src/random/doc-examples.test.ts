import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractExamples, runExample } from '../test-utils/doc-examples.js';
import * as random from './index.js';

const files = ['generator.ts', 'global.ts', 'index.ts'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);

describe('random doc examples', () => {
  const examples = extractExamples(files);
  it('finds an example for every export', () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
  });
  for (const example of examples) {
    it(`runs: ${example.symbol}`, () => {
      runExample(example, { ...random });
    });
  }
});
