import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { nativeAddon } from '../../backends/wasm/native-loader.js';
import { DataFormatError, DownloadError } from '../errors.js';
import { downloadFile } from './download.js';

/** Where a data set's files come from; every field is optional. */
export interface DataOptions {
  /** Searched first: files in `<dataDir>/<name>/` or directly in `<dataDir>`. Then env `TENSILE_DATA_DIR`. */
  dataDir?: string;
  /** The download cache root; default `$TENSILE_HOME/datasets`, else `~/.tensile/datasets`. */
  cacheDir?: string;
  /** A mirror laid out like Keras' bucket (flat); default env `TENSILE_DATASETS_URL`, then Keras' URL. */
  baseUrl?: string;
  /** `false` fails instead of downloading a missing file. Default true. */
  download?: boolean;
}

/** A file Tensile knows: its name and the SHA-256 values it accepts without a warning. */
export interface KnownFile {
  readonly name: string;
  /** The published digest (Keras' `file_hash`, or that of the authors' original file). */
  readonly sha256: string;
  /** Content-identical repacks, e.g. the regenerated npz files in the team's data folder (see its README). */
  readonly alsoAccepted?: readonly string[];
}

/** A file read from disk, with the place it came from. */
export interface LoadedFile {
  readonly spec: KnownFile;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * Where Keras downloads its data sets from.
 *
 * @example
 * new URL('mnist.npz', KERAS_DATASETS_URL).href; // the URL Keras' mnist.load_data() fetches
 */
export const KERAS_DATASETS_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

function cacheRoot(options: DataOptions): string {
  if (options.cacheDir) return resolve(options.cacheDir);
  const home = process.env.TENSILE_HOME;
  return home ? join(resolve(home), 'datasets') : join(homedir(), '.tensile', 'datasets');
}

/**
 * The directories searched for `dataset`, in resolution order.
 *
 * @example
 * searchDirs('mnist', { dataDir: 'data' }); // ['/abs/data/mnist', '/abs/data', …, '~/.tensile/datasets/mnist']
 */
export function searchDirs(dataset: string, options: DataOptions): string[] {
  const dirs: string[] = [];
  for (const root of [options.dataDir, process.env.TENSILE_DATA_DIR]) {
    if (root) dirs.push(join(resolve(root), dataset), resolve(root));
  }
  dirs.push(join(cacheRoot(options), dataset));
  return dirs;
}

/**
 * Reads one of several alternative file sets (e.g. MNIST's four IDX files, or mnist.npz): the first
 * directory in resolution order that holds a complete set wins, and within a directory the earlier
 * alternative wins. When none is found, `download` (one of the alternatives) is fetched into the cache.
 *
 * @example
 * const [npz] = await obtainFiles('imdb', [[IMDB_NPZ]], [IMDB_NPZ], { dataDir: 'data' });
 * console.log(npz.path, npz.bytes.length);
 */
export async function obtainFiles(
  dataset: string,
  alternatives: readonly (readonly KnownFile[])[],
  download: readonly KnownFile[],
  options: DataOptions,
): Promise<LoadedFile[]> {
  // Load the native addon (if any) before the data set's large buffers are allocated and freed, so
  // its malloc settings (backends/wasm/malloc-tuning.ts) cover them: IMDB's peak RSS 348 → 335 MB.
  nativeAddon();
  const dirs = searchDirs(dataset, options);
  for (const dir of dirs) {
    for (const files of alternatives) {
      if (files.every((f) => existsSync(join(dir, f.name)))) return readAll(dir, files);
    }
  }
  const cache = join(cacheRoot(options), dataset);
  const wanted = download.map((f) => f.name).join(', ');
  const looked = `looked in ${dirs.join(', ')}`;
  const base = options.baseUrl ?? process.env.TENSILE_DATASETS_URL ?? KERAS_DATASETS_URL;
  const urlOf = (f: KnownFile) => new URL(f.name, base.endsWith('/') ? base : `${base}/`).href;
  // How a user provides the file, for every failure below (a study prints this and stops).
  const howTo =
    `\nTo provide ${wanted}: put it in ${cache}/ or in a folder named by TENSILE_DATA_DIR ` +
    `(or its ${dataset}/ subfolder), or download ${download.map(urlOf).join(' and ')} by hand into ${cache}/.`;
  if (options.download === false) {
    throw new DownloadError(
      `${dataset}: ${wanted} not found (${looked}) and downloading is disabled${howTo}`,
    );
  }
  for (const f of download) {
    if (existsSync(join(cache, f.name))) continue; // a complete download of an earlier attempt
    try {
      await downloadFile(urlOf(f), join(cache, f.name), [f.sha256, ...(f.alsoAccepted ?? [])]);
    } catch (e) {
      if (e instanceof DownloadError) throw new DownloadError(`${dataset}: ${e.message} (${looked})${howTo}`);
      // The cache folder cannot be created or written (permissions, disk full).
      throw new DownloadError(
        `${dataset}: cannot save ${f.name} in ${cache}: ${(e as Error).message}${howTo}`,
      );
    }
  }
  return readAll(cache, download);
}

async function readAll(dir: string, files: readonly KnownFile[]): Promise<LoadedFile[]> {
  return Promise.all(
    files.map(async (spec) => {
      const path = join(dir, spec.name);
      let buf: Buffer;
      try {
        buf = await readFile(path);
      } catch (e) {
        // A directory in the way, no permission, an I/O error: still the library's own error.
        throw new DataFormatError(path, `cannot read the file (${(e as Error).message})`);
      }
      return { spec, path, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
    }),
  );
}

const warned = new Set<string>();

/**
 * Warns (once per file per process) when a file's SHA-256 is not one Tensile knows. Called only after
 * the file parsed cleanly: a structurally valid file with other bytes (a re-zipped copy, a newer
 * export) is most likely fine, so it is loaded, but the user should know it is not the published one.
 *
 * @example
 * const [file] = await obtainFiles('imdb', [[IMDB_NPZ]], [IMDB_NPZ], {});
 * readNpz(file.bytes, file.path); // validate first…
 * checkDigest(file); // …then warn if the bytes are not the published ones
 */
export function checkDigest(file: LoadedFile): void {
  if (warned.has(file.path)) return;
  const digest = createHash('sha256').update(file.bytes).digest('hex');
  if (digest === file.spec.sha256 || file.spec.alsoAccepted?.includes(digest)) return;
  warned.add(file.path);
  console.warn(
    `tensile: ${file.path} has SHA-256 ${digest}, not the published ${file.spec.sha256}; ` +
      'it is structurally valid, so it is loaded anyway.',
  );
}
