// Runs every `@example` in src/plot as a test (STYLE rule 14). A line `expr; // value` whose comment is
// a JavaScript literal is checked: the expression must equal the value.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = dirname(fileURLToPath(import.meta.url));
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>;

function examples(file: string): { name: string; code: string }[] {
  const text = readFileSync(join(dir, file), 'utf8');
  const out: { name: string; code: string }[] = [];
  for (const m of text.matchAll(
    /\/\*\*([\s\S]*?)\*\/\s*export\s+(?:async\s+)?(?:function|const|class|interface|type)\s+(\w+)/g,
  )) {
    const doc = m[1]!;
    const at = doc.indexOf('@example');
    if (at < 0) continue;
    const lines = doc
      .slice(at + '@example'.length)
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
      .filter((l) => l.trim() !== '');
    out.push({ name: m[2]!, code: lines.join('\n') });
  }
  return out;
}

function literal(text: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: new Function(`return (${text});`)() };
  } catch {
    return { ok: false };
  }
}

function toRunnable(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const imp = line.match(/^import\s+(\{[^}]*\})\s+from\s+'([^']+)';$/);
      if (imp) return `const ${imp[1]!.replace(/\btype\s+\w+,?/g, '')} = await load('${imp[2]}');`;
      const chk = line.match(/^(?!const |let |import )(.*);\s*\/\/\s*(.+)$/);
      if (chk && literal(chk[2]!).ok) return `check(${chk[1]}, ${chk[2]}, ${JSON.stringify(line)});`;
      return line;
    })
    .join('\n');
}

async function load(spec: string): Promise<unknown> {
  if (spec === 'tensile/plot') return import('./index.js');
  if (spec.startsWith('./')) return import(/* @vite-ignore */ join(dir, spec.replace(/\.js$/, '.ts')));
  return import(/* @vite-ignore */ spec);
}

function check(actual: unknown, expected: unknown, line: string): void {
  expect(actual, line).toEqual(expected);
}

it('turns `expr; // literal` lines into checks and leaves prose comments alone', () => {
  expect(toRunnable('f(); // [1, 2]')).toBe('check(f(), [1, 2], "f(); // [1, 2]");');
  expect(toRunnable('f(); // true on Debian')).toBe('f(); // true on Debian');
});

const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('@example blocks in src/plot', () => {
  it('every export in src/plot has an @example', () => {
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/^export (?:async )?(?:function|const|class|interface|type) (\w+)/gm)) {
        const before = text.slice(0, m.index);
        const doc = before.slice(before.lastIndexOf('/**'));
        const adjacent = before.slice(before.lastIndexOf('*/') + 2).trim() === '';
        expect(adjacent && doc.includes('@example'), `${file}: ${m[1]} has no @example`).toBe(true);
      }
    }
  });
  for (const file of files) {
    for (const ex of examples(file)) {
      it(`${file}: ${ex.name}`, async () => {
        await new AsyncFunction('load', 'check', toRunnable(ex.code))(load, check);
      });
    }
  }
});
