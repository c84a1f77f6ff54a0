import { formatError } from './bytes.js';
import { type NpyArray, type NpyOptions, parseNpy } from './npy.js';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip.js';

/** An opened .npz archive; members are parsed on demand, as numpy's `NpzFile` does. */
export interface NpzFile {
  /** Member keys without the `.npy` suffix, e.g. `['x_train', 'y_train']`. */
  readonly keys: readonly string[];
  /** Parses the member `key` (`'x_train'` or `'x_train.npy'`); a missing member is a DataFormatError. */
  get(key: string, options?: NpyOptions): NpyArray;
}

/**
 * Opens a .npz archive (a zip of .npy files, stored or deflated) held in memory.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * const npz = readNpz(readFileSync('mnist.npz'), 'mnist.npz');
 * const y = npz.get('y_train'); // { dtype: 'uint8', shape: [60000], ... }
 */
export function readNpz(bytes: Uint8Array, path: string): NpzFile {
  const entries = readZipDirectory(bytes, path);
  const byKey = new Map<string, ZipEntry>();
  for (const [name, entry] of entries) byKey.set(name.endsWith('.npy') ? name.slice(0, -4) : name, entry);
  return {
    keys: [...byKey.keys()],
    get(key: string, options?: NpyOptions): NpyArray {
      const entry = entries.get(key) ?? byKey.get(key);
      if (entry === undefined) {
        const have = [...entries.keys()].join(', ') || 'none';
        throw formatError(
          path,
          `missing member '${key.endsWith('.npy') ? key : `${key}.npy`}' (members: ${have})`,
        );
      }
      return parseNpy(readZipEntry(bytes, entry, path), `${path}[${entry.name}]`, options);
    },
  };
}
