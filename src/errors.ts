/** Base class of every error Tensile throws on purpose, so callers can tell ours from bugs. */
export class TensileError extends Error {
  override name = 'TensileError';
}

/** Shapes that do not fit an op or layer. The message names the op and every shape involved. */
export class ShapeError extends TensileError {
  override name = 'ShapeError';
  constructor(
    readonly op: string,
    readonly shapes: readonly (readonly number[])[],
    detail: string,
  ) {
    super(`${op} ${shapes.map(fmtShape).join(' · ')}: ${detail}`);
  }
}

/** A dtype an op cannot take (for example a float32 tensor of indices for gather). */
export class DTypeError extends TensileError {
  override name = 'DTypeError';
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
  }
}

/** A bad argument that is neither a shape nor a dtype problem (unknown name, out-of-range option...). */
export class ValueError extends TensileError {
  override name = 'ValueError';
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
