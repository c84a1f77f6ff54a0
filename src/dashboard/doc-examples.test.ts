import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as tensile from '../index.js';
import { extractExamples, runExampleAsync } from '../test-utils/doc-examples.js';

// The examples write under 'runs/'; here that directory is a temporary one.
const dir = mkdtempSync(join(tmpdir(), 'tensile-dashboard-doc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => join(here, f));

describe('dashboard doc examples run', () => {
  const examples = extractExamples(files);
  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(4));
  for (const ex of examples) {
    it(`${ex.file.split('/src/')[1]}: ${ex.symbol.slice(0, 60)}`, async () => {
      await runExampleAsync({ ...ex, code: ex.code.replaceAll("'runs/", `'${dir}/`) }, { ...tensile });
    });
  }
});
