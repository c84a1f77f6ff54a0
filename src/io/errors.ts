import { TensileError } from '../errors.js';

/**
 * A model or weights file that cannot be written or read: missing, truncated, not the expected
 * format, or not matching the model. The message names the file, and the layer, weight and shapes
 * when they are involved.
 *
 * @example
 * import { ModelFileError, loadModel } from 'tensile';
 * try {
 *   await loadModel('runs/doc/missing.keras');
 * } catch (e) {
 *   console.log(e instanceof ModelFileError); // true
 * }
 */
export class ModelFileError extends TensileError {
  override name = 'ModelFileError';
}

/** The innermost HDF5 error-stack entry ("#003: … in H5O_load(): bad object header version"), if any. */
function hdf5Reason(message: string): string | null {
  const lines = [...message.matchAll(/#\d+: .* in (\w+)\(\): (.*)/g)];
  const inner = lines[lines.length - 1];
  return inner ? `HDF5 ${inner[1]}: ${inner[2]!.trim()}` : null;
}

/**
 * Any failure while reading `where` as a ModelFileError naming the file: ours pass through, HDF5's
 * error stacks shrink to their innermost entry, anything else keeps its message (and is the cause).
 *
 * @example
 * // asModelFileError(new SyntaxError('Unexpected token'), 'm.h5').message
 * // → 'm.h5: damaged or unreadable file (SyntaxError: Unexpected token)'
 */
export function asModelFileError(e: unknown, where: string): ModelFileError {
  if (e instanceof ModelFileError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof TensileError) return new ModelFileError(`${where}: ${message}`, { cause: e });
  const why = hdf5Reason(message) ?? `${e instanceof Error ? e.name : 'Error'}: ${message.split('\n')[0]}`;
  return new ModelFileError(`${where}: damaged or unreadable file (${why})`, { cause: e });
}
