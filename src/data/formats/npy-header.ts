import { formatError } from './bytes.js';

/** What a .npy header can hold: Python literals (tuples and lists both become arrays). */
export type HeaderValue = string | number | boolean | null | HeaderValue[] | { [key: string]: HeaderValue };

const MAX_DEPTH = 8;

/**
 * Parses the Python dict literal of a .npy header, e.g. `{'descr': '<i8', 'fortran_order': False,
 * 'shape': (25000,), }`. A tiny recursive-descent parser over literals only: nothing is evaluated,
 * and nesting is capped so a hostile header cannot exhaust the stack.
 *
 * @example
 * parseHeaderLiteral("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 'y.npy');
 * // { descr: '<i8', fortran_order: false, shape: [3] }
 */
export function parseHeaderLiteral(text: string, path: string): HeaderValue {
  let i = 0;
  const fail = (what: string): never => {
    throw formatError(path, `npy header: ${what} at column ${i} in ${JSON.stringify(text.slice(0, 200))}`);
  };
  const skip = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const value = (depth: number): HeaderValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skip();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      if (s.includes('\\')) fail('escapes are not supported in header strings');
      i = end + 1;
      return s;
    }
    if (c === '{') return dict(depth);
    if (c === '(' || c === '[') return sequence(c === '(' ? ')' : ']', depth);
    const m = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(i, i + 32));
    if (m === null) return fail('unexpected token');
    i += m[0].length;
    if (m[1] !== undefined) return Number(m[1]);
    return m[2] === 'True' ? true : m[2] === 'False' ? false : null;
  };
  const sequence = (close: string, depth: number): HeaderValue[] => {
    i++;
    const out: HeaderValue[] = [];
    for (;;) {
      skip();
      if (text[i] === close) break;
      out.push(value(depth + 1));
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail(`expected ',' or '${close}'`);
    }
    i++;
    return out;
  };
  const dict = (depth: number): { [key: string]: HeaderValue } => {
    i++;
    const out: { [key: string]: HeaderValue } = Object.create(null);
    for (;;) {
      skip();
      if (text[i] === '}') break;
      const key = value(depth + 1);
      if (typeof key !== 'string') fail('dict keys must be strings');
      skip();
      if (text[i++] !== ':') fail("expected ':'");
      out[key as string] = value(depth + 1);
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail("expected ',' or '}'");
    }
    i++;
    return out;
  };
  const result = value(0);
  skip();
  if (i !== text.length) fail('trailing characters');
  return result;
}
