import { TensileError } from '../errors.js';

/**
 * A data file that is truncated, malformed or not what its name promises. The message starts with
 * the file (and the archive member, as `archive.npz[member.npy]`) and says what is wrong.
 *
 * @example
 * import { DataFormatError, datasets } from 'tensile';
 * try {
 *   await datasets.imdb.getWordIndex({ dataDir: './my-data' });
 * } catch (e) {
 *   if (e instanceof DataFormatError) console.error(`bad file ${e.path}: ${e.detail}`);
 * }
 */
export class DataFormatError extends TensileError {
  override name = 'DataFormatError';
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/**
 * A data set file that could not be found locally nor fetched (network failure, HTTP error, or a
 * download whose SHA-256 is not the published one). The message lists where Tensile looked.
 *
 * @example
 * import { DownloadError, datasets } from 'tensile';
 * try {
 *   await datasets.imdb.getWordIndex({ download: false });
 * } catch (e) {
 *   if (e instanceof DownloadError) console.error(e.message);
 * }
 */
export class DownloadError extends TensileError {
  override name = 'DownloadError';
}
