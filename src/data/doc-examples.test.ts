import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractExamples } from '../test-utils/doc-examples.js';
import * as data from './index.js';

// Runs the @example of every public data export (those written against `import … from 'tensile'`)
// and checks each `console.log(...); // expected` line. Internal helpers' examples are illustrations.
// IMDB examples first and together, so they share one parse (imdb.ts caches it while it is alive).
const files = [
  'index.ts',
  'datasets/imdb.ts',
  'datasets/imdb-words.ts',
  'errors.ts',
  'datasets/mnist.ts',
  'datasets/fashion-mnist.ts',
  'preprocessing/pad-sequences.ts',
  'preprocessing/to-categorical.ts',
  'preprocessing/train-test-split.ts',
  '../random/random-state.ts',
].map((f) => fileURLToPath(new URL(f, import.meta.url)));

function show(v: unknown): string {
  if (Array.isArray(v) || ArrayBuffer.isView(v))
    return `[${Array.from(v as ArrayLike<unknown>, show).join(', ')}]`;
  return String(v);
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

async function run(code: string): Promise<void> {
  const lines = code.split('\n');
  const names = lines.flatMap(
    (l) => /^\s*import\s*\{([^}]*)\}\s*from\s*'tensile'/.exec(l)?.[1]?.split(',') ?? [],
  );
  const body = lines.filter((l) => !/^\s*import\s/.test(l));
  const expected = body.flatMap((l) => /console\.log\(.*\);\s*\/\/\s*(.*)$/.exec(l)?.[1]?.trim() ?? []);
  const printed: string[] = [];
  const bound = names.map((n) => n.trim()).filter(Boolean);
  const console = { log: (...args: unknown[]) => printed.push(args.map(show).join(' ')), error: () => {} };
  await new AsyncFunction(...bound, 'console', body.join('\n'))(
    ...bound.map((n) => (data as Record<string, unknown>)[n]),
    console,
  );
  expect(printed).toEqual(expected);
}

describe('data doc examples', () => {
  const examples = extractExamples(files).filter((e) => e.code.includes("from 'tensile'"));
  it('has an example for every public export', () => {
    expect(examples.length).toBeGreaterThanOrEqual(14);
  });
  for (const example of examples) {
    it(`runs: ${example.symbol}`, async () => {
      for (const name of example.code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'tensile'/g)) {
        for (const n of name[1]!.split(',').map((s) => s.trim())) expect(data).toHaveProperty(n);
      }
      await run(example.code);
    });
  }
});
