// Fails when a source file grows past the per-file budget or src/ past the total budget.
// Why: small files with one job stay readable (tinygrad's sz.py idea). Generated glue is skipped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PER_FILE = 400;
const TOTAL = 40_000;
const SKIP = [/\/generated\//, /\.d\.ts$/];

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(ts|mjs|js)$/.test(name) && !SKIP.some((re) => re.test(path))) yield path;
  }
}

let total = 0;
const over = [];
for (const file of walk('src')) {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
  if (!file.endsWith('.test.ts')) total += lines;
  if (lines > PER_FILE) over.push(`${file}: ${lines} non-blank lines (budget ${PER_FILE})`);
}
if (over.length > 0 || total > TOTAL) {
  for (const line of over) console.error(`line-budget: ${line}`);
  if (total > TOTAL) console.error(`line-budget: src/ has ${total} lines (budget ${TOTAL})`);
  process.exit(1);
}
console.log(`line-budget: ok (${total} lines in src/, no file over ${PER_FILE})`);
