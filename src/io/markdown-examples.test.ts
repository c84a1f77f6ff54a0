import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tensile from '../index.js';
import { type DocExample, runExampleAsync } from '../test-utils/doc-examples.js';

// The ```ts blocks of the docs written for nested models run here, like the JSDoc examples: each
// `console.log(...); // expected` line is checked. Node built-ins they import are bound like
// 'tensile' exports (the runner binds imported names; it does not load modules).
const DOCS = ['docs/functional-api.md', 'docs/keras-files.md'];
const NODE = { ...fs, ...os, ...path };

function blocks(file: string): DocExample[] {
  const text = fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    file,
    symbol: `${file} block ${i + 1}`,
    code: m[1]!.replace(/from 'node:(fs|os|path)';/g, "from 'tensile';"),
  }));
}

describe('markdown examples run', () => {
  for (const file of DOCS) {
    const examples = blocks(file);
    it(`${file} has examples`, () => expect(examples.length).toBeGreaterThan(0));
    for (const ex of examples) it(ex.symbol, async () => runExampleAsync(ex, { ...tensile, ...NODE }));
  }
});
