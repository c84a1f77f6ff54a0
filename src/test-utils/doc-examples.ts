import { readFileSync } from 'node:fs';

/** One `@example` block of a source file, with the `console.log` results its comments promise. */
export interface DocExample {
  readonly file: string;
  readonly symbol: string;
  readonly code: string;
}

/** Every `@example` in the JSDoc comments of `files` (absolute paths). */
export function extractExamples(files: readonly string[]): DocExample[] {
  const out: DocExample[] = [];
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\/\*\*([\s\S]*?)\*\/\s*([^\n]*)/g)) {
      const lines = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
      let inExample = false;
      let code: string[] = [];
      const flush = () => {
        if (code.length > 0) out.push({ file, symbol: m[2]!.trim(), code: code.join('\n') });
        code = [];
      };
      for (const line of lines) {
        if (/^@example\b/.test(line.trim())) {
          flush();
          inExample = true;
        } else if (/^@\w+/.test(line.trim())) {
          flush();
          inExample = false;
        } else if (inExample) code.push(line);
      }
      flush();
    }
  }
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v))
    return `[${Array.from(v as ArrayLike<unknown>)
      .map(show)
      .join(', ')}]`;
  return String(v);
}

/** An example split into the names it imports from 'tensile', its body, and its checks. */
interface Prepared {
  names: string[];
  body: string;
  /** What each `console.log(...); // expected` line promises, in order. */
  expected: string[];
  printed: string[];
  console: { log: (...args: unknown[]) => void; warn: () => void };
}

function prepare(example: DocExample, exports: Record<string, unknown>): Prepared {
  const names: string[] = [];
  const body: string[] = [];
  for (const line of example.code.split('\n')) {
    const imp = /^\s*import\s*\{([^}]*)\}\s*from\s*'tensile';?\s*$/.exec(line);
    if (imp)
      names.push(
        ...imp[1]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    else body.push(line);
  }
  for (const name of names) {
    if (!(name in exports)) throw new Error(`${example.symbol}: example imports unknown '${name}'`);
  }
  const expected = body
    .map((l) => /console\.log\(.*\);\s*\/\/\s*(.*)$/.exec(l)?.[1]?.trim())
    .filter((e): e is string => e !== undefined);
  const printed: string[] = [];
  const console = { log: (...args: unknown[]) => printed.push(args.map(show).join(' ')), warn: () => {} };
  return { names, body: body.join('\n'), expected, printed, console };
}

/** Compares what was printed with the comments, when every checked line printed exactly once. */
function check(example: DocExample, p: Prepared): void {
  if (p.expected.length === 0 || p.expected.length !== p.printed.length) return;
  p.expected.forEach((e, i) => {
    if (p.printed[i] !== e)
      throw new Error(`${example.symbol}: printed '${p.printed[i]}', comment says '${e}'`);
  });
}

/**
 * Runs an example with `import { ... } from 'tensile'` bound to `exports`, and checks every
 * `console.log(...); // expected` line against what was printed.
 */
export function runExample(example: DocExample, exports: Record<string, unknown>): void {
  const p = prepare(example, exports);
  new Function(...p.names, 'console', p.body)(...p.names.map((n) => exports[n]), p.console);
  check(example, p);
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>;

/** Like runExample, but the example body may use `await` (fit, loadData...). */
export async function runExampleAsync(example: DocExample, exports: Record<string, unknown>): Promise<void> {
  const p = prepare(example, exports);
  await new AsyncFunction(...p.names, 'console', p.body)(...p.names.map((n) => exports[n]), p.console);
  check(example, p);
}
