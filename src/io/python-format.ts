import { ValueError } from '../errors.js';

/**
 * A float as Python's `repr` writes it (what Keras puts in CSV logs and checkpoint names): shortest
 * round-trip digits, scientific notation below 1e-4 and from 1e16, always a '.0' or an exponent.
 *
 * @example
 * // pythonFloat(1e-5) === '1e-05'; pythonFloat(2) === '2.0'; pythonFloat(NaN) === 'nan'
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16)
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

const withTwoDigitExponent = (s: string) => s.replace(/e([+-])(\d)$/, 'e$10$2');

/** Python's 'g' format: `digits` significant digits, trailing zeros dropped. */
function general(abs: number, digits: number): string {
  const e = abs === 0 ? 0 : Math.floor(Math.log10(abs));
  const body =
    e < -4 || e >= digits
      ? withTwoDigitExponent(abs.toExponential(digits - 1))
      : abs.toFixed(Math.max(0, digits - 1 - e));
  return body.includes('.') ? body.replace(/\.?0+(e|$)/, '$1') : body;
}

/** Python's format(value, spec) for number specs: [[fill]align][sign][0][width][.precision][type]. */
function formatSpec(value: number, spec: string, key: string, integer: boolean): string {
  const m = /^(?:(.)?([<>=^]))?([+ -]?)(0?)(\d*)(?:\.(\d+))?([dfFeEgG%]?)$/.exec(spec);
  if (!m) throw new ValueError(`format spec '${spec}' for {${key}} is not supported`);
  const [, fillChar, alignChar, sign, zero, width, precision, type] = m;
  const p = precision === undefined ? undefined : Number(precision);
  const abs = Math.abs(value);
  let body: string;
  if (type === 'd' || (type === '' && integer)) {
    if (!Number.isInteger(value))
      throw new ValueError(`{${key}:${spec}}: 'd' needs an integer, got ${value}`);
    body = String(abs);
  } else if (type === 'f' || type === 'F') body = abs.toFixed(p ?? 6);
  else if (type === 'e' || type === 'E') body = withTwoDigitExponent(abs.toExponential(p ?? 6));
  else if (type === '%') body = `${(abs * 100).toFixed(p ?? 6)}%`;
  else if (type === 'g' || type === 'G') body = general(abs, p === 0 ? 1 : (p ?? 6));
  else body = p === undefined ? pythonFloat(abs) : general(abs, p === 0 ? 1 : p); // no type: repr, or 'g'-like
  if (type === 'E' || type === 'G') body = body.toUpperCase();
  const signText = value < 0 || Object.is(value, -0) ? '-' : sign === '+' || sign === ' ' ? sign : '';
  const fill = fillChar ?? (zero ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : '>');
  const pad = Math.max(0, Number(width || 0) - signText.length - body.length);
  if (align === '=') return signText + fill.repeat(pad) + body;
  if (align === '<') return signText + body + fill.repeat(pad);
  if (align === '^') return fill.repeat(pad >> 1) + signText + body + fill.repeat(pad - (pad >> 1));
  return fill.repeat(pad) + signText + body;
}

/**
 * Fills `{name}` / `{name:spec}` fields the way Python's `str.format` does, as Keras formats
 * checkpoint paths such as `'ckpt-{epoch:02d}-{val_loss:.2f}.keras'`. Integers (like `epoch`)
 * print without a decimal point, other values as Python floats.
 *
 * @example
 * // formatPath('w-{epoch:02d}-{val_loss:.3f}.keras', { epoch: 3, val_loss: 0.12345 }, new Set(['epoch'])) === 'w-03-0.123.keras'
 */
export function formatPath(
  template: string,
  values: Record<string, number>,
  integers: ReadonlySet<string> = new Set(),
): string {
  return template.replace(
    /\{\{|\}\}|\{([A-Za-z_]\w*)(?::([^{}]*))?\}/g,
    (field, key: string | undefined, spec = '') => {
      if (field === '{{') return '{';
      if (field === '}}') return '}';
      const value = values[key!];
      if (value === undefined) {
        throw new ValueError(
          `cannot format '${template}': no value for {${key}} (available: ${Object.keys(values).join(', ')})`,
        );
      }
      return formatSpec(value, spec, key!, integers.has(key!));
    },
  );
}
