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
