import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/select.js';
import { extractExamples, runExample } from '../test-utils/doc-examples.js';
import * as initializers from './index.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => `${dir}${f}`);

beforeAll(() => setBackend('ts'));

describe('initializer doc examples', () => {
  const examples = extractExamples(files);
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(35);
  });
  for (const example of examples) {
    it(`runs: ${example.symbol}`, () => {
      runExample(example, { initializers });
    });
  }
});
