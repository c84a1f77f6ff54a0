import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';
import { fmtShape } from '../errors.js';
import { asModelFileError, ModelFileError } from './errors.js';

type H5Module = typeof import('h5wasm');
let loading: Promise<H5Module> | null = null;

/** h5wasm, loaded on first use (the WebAssembly HDF5 library is large; nothing loads it on import). */
function h5wasm(): Promise<H5Module> {
  loading ??= import('h5wasm/node').then(async (m) => {
    const module = await m.ready;
    // HDF5's default error handler prints pages of HDF5-DIAG lines to stderr and h5wasm then throws
    // a bare "error - name not defined!". This handler puts the HDF5 error stack into the thrown
    // Error's message instead, and prints nothing; readH5 wraps it in a ModelFileError.
    module.activate_throwing_error_handler();
    // A damaged file can also make HDF5 call abort(). Emscripten would print "Aborted(...)" and mark
    // the runtime dead; throwing from its onAbort hook comes first, so nothing is printed and the
    // error reaches readH5 like any other.
    (module as { onAbort?: (what: unknown) => void }).onAbort = (what) => {
      throw new Error(`HDF5 aborted (${String(what)})`);
    };
    // Safe: H5Module declares only the members of h5wasm's module that this file uses, with the
    // types of h5wasm's own declarations, which it does not export as one interface.
    return m as unknown as H5Module;
  });
  return loading;
}

/**
 * Loads h5wasm now rather than at the first save or load. Call it before module loader hooks that
 * rewrite JavaScript (tsx) are registered: tsx scans every module it loads, and scanning h5wasm's
 * 4 MB build grew a process by ~630 MB of resident memory that is never returned (measured
 * 2026-12-03, tsx 4.23, Node 20); a module loaded before the hooks is not loaded again.
 *
 * @example
 * // await preloadHdf5(); register(); // then import TypeScript modules
 */
export async function preloadHdf5(): Promise<void> {
  await h5wasm();
}

/**
 * Numeric arrays we write and read.
 *
 * @example
 * // const iteration: H5Array = BigInt64Array.of(7n);
 */
export type H5Array = Float32Array | Float64Array | Int32Array | BigInt64Array;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

function uint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes[at + i] ?? 0);
  return v;
}

/**
 * Checks that `path` is a complete HDF5 file before h5wasm sees it (h5wasm only reports a bare
 * "error" and prints diagnostics). The superblock records the end-of-file address, so a file cut
 * short by a crash or a partial copy is recognized as truncated.
 *
 * @example
 * // checkHdf5File('cut.h5') throws "cut.h5: truncated HDF5 file (11800 bytes, the superblock says 23600)"
 */
export function checkHdf5File(path: string, where = path): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ModelFileError(`${where}: file not found`);
  }
  const fd = openSync(path, 'r');
  try {
    // The superblock sits at offset 0, 512, 1024, 2048, ... (after an optional user block).
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const head = readAt(fd, at, 64);
      if (!SIGNATURE.every((b, i) => head[i] === b)) continue;
      const version = head[8]!;
      const offsets = version < 2 ? head[13]! : head[9]!;
      const base = version === 0 ? 24 : version === 1 ? 28 : 12;
      if (![2, 4, 8].includes(offsets)) break;
      const baseAddress = uint(head, base, offsets);
      const eofAddress = uint(head, base + 2 * offsets, offsets);
      const undefinedAddress = head.subarray(base + 2 * offsets, base + 3 * offsets).every((b) => b === 0xff);
      if (!undefinedAddress && baseAddress + eofAddress > size) {
        throw new ModelFileError(
          `${where}: truncated HDF5 file (${size} bytes, the superblock says ${baseAddress + eofAddress})`,
        );
      }
      return size;
    }
  } finally {
    closeSync(fd);
  }
  throw new ModelFileError(`${where}: not an HDF5 file (no HDF5 signature)`);
}

/** 'Group', 'Dataset', ... for an h5wasm entity (references have no type), or null. */
function kind(entity: unknown): string | null {
  return entity && typeof entity === 'object' && 'type' in entity ? String(entity.type) : null;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/**
 * Builds an HDF5 file. Attribute helpers store strings the way h5py does when Keras writes them.
 *
 * @example
 * // await writeH5(path, (w) => { w.group('vars'); w.dataset('layers/dense/vars/0', kernel, [4, 3]); });
 */
export class H5Writer {
  private readonly written: { path: string; shape: readonly number[] }[] = [];

  constructor(private readonly file: H5File) {}

  /** The group at `path`, creating missing parents (h5wasm does not, and fails silently). */
  group(path: string): H5Group {
    let g: H5Group = this.file;
    for (const part of path.split('/').filter(Boolean)) {
      const next = g.get(part);
      g = kind(next) === 'Group' ? (next as H5Group) : g.create_group(part);
    }
    return g;
  }

  /** A numeric dataset; `path` may contain '/' (parents are created), as in Keras weight names. */
  dataset(path: string, data: H5Array, shape: readonly number[]): void {
    // Keras files hold float32 weights (int32 for counters); a uint8 variable is never written.
    if ((data as unknown) instanceof Uint8Array) {
      throw new ModelFileError(
        `${this.file.filename}: weight '${path}' [${shape}] is uint8; saved models hold float32 ` +
          "weights only (cast it with cast(x, 'float32') before making it a weight)",
      );
    }
    const i = path.lastIndexOf('/');
    this.group(path.slice(0, Math.max(i, 0))).create_dataset({
      name: path.slice(i + 1),
      data,
      shape: [...shape],
    });
    this.written.push({ path, shape });
  }

  /** A fixed-length string array attribute, like h5py's `np.asarray([b'...'])`; [] as h5py stores it. */
  strings(path: string, name: string, values: readonly string[]): void {
    const g = this.group(path);
    if (values.length === 0) {
      g.create_attribute(name, new Float64Array(0), [0]);
      return;
    }
    const size = Math.max(1, ...values.map(utf8Length));
    g.create_attribute(name, [...values], [values.length], `S${size}`);
  }

  /** A scalar fixed-length string attribute, like h5py's `attrs[k] = s.encode('utf8')`. */
  bytes(path: string, name: string, value: string): void {
    this.group(path).create_attribute(name, value, null, `S${Math.max(1, utf8Length(value))}`);
  }

  /** A scalar variable-length UTF-8 string attribute, like h5py's `attrs[k] = s`. */
  text(path: string, name: string, value: string): void {
    this.group(path).create_attribute(name, value);
  }

  /** Re-reads every dataset written: h5wasm reports some write failures only on stderr. */
  verify(reader: H5Reader): void {
    for (const { path, shape } of this.written) {
      const got = reader.shapeOf(path);
      if (!got || got.join() !== shape.join()) {
        throw new ModelFileError(`${reader.where}: dataset '${path}' was not written correctly`);
      }
    }
  }
}

/**
 * Reads an HDF5 file, with errors that name the file and the object.
 *
 * @example
 * // await readH5(path, path, (r) => r.strings('model_weights', 'layer_names'));
 */
export class H5Reader {
  constructor(
    private readonly file: H5File,
    readonly where: string,
    /** The file's size in bytes: no array read from it can be larger (bounds what a damaged header can claim). */
    private readonly fileSize = Number.POSITIVE_INFINITY,
  ) {}

  /** Refuses to read an object whose claimed size cannot fit in the file (HDF5 would try to allocate it). */
  private checkSize(meta: { total_size?: number; size?: number }, filtered: boolean, what: string): void {
    const bytes = (meta.total_size ?? 0) * (meta.size ?? 0);
    // A compressed (filtered) dataset can legitimately exceed the file, by at most deflate's ratio.
    const limit = filtered ? this.fileSize * 1032 + 1024 : this.fileSize;
    if (!(bytes <= limit)) {
      throw new ModelFileError(`${this.where}: ${what} claims ${bytes} bytes, more than the file can hold`);
    }
  }

  has(path: string): boolean {
    return this.file.get(path) !== null;
  }

  isGroup(path: string): boolean {
    return kind(this.file.get(path)) === 'Group';
  }

  keys(path: string): string[] {
    const g = this.file.get(path);
    return kind(g) === 'Group' ? (g as H5Group).keys() : [];
  }

  private attrs(path: string) {
    const obj = path === '' || path === '/' ? this.file : this.file.get(path);
    return obj && 'attrs' in obj ? obj.attrs : {};
  }

  /** A string attribute (fixed or variable length), or null when absent. */
  text(path: string, name: string): string | null {
    const a = this.attrs(path)[name];
    if (!a) return null;
    this.checkSize(a.metadata, false, `attribute '${name}' of '${path || '/'}'`);
    const v = a.value;
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
    throw new ModelFileError(`${this.where}: attribute '${name}' of '${path || '/'}' is not a string`);
  }

  /**
   * A string-list attribute such as `layer_names` or `weight_names`. Keras splits lists too big for
   * one HDF5 object header into `name0`, `name1`, ...; those are joined back. Null when absent.
   */
  strings(path: string, name: string): string[] | null {
    const attrs = this.attrs(path);
    const parts = name in attrs ? [attrs[name]!] : [];
    for (let i = 0; parts.length === i && `${name}${i}` in attrs; i++) parts.push(attrs[`${name}${i}`]!);
    if (parts.length === 0) return null;
    return parts.flatMap((a) => {
      this.checkSize(a.metadata, false, `attribute '${name}' of '${path || '/'}'`);
      const v = a.value;
      if (typeof v === 'string') return [v];
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
      if (ArrayBuffer.isView(v) && (v as Float64Array).length === 0) return []; // h5py's empty list
      throw new ModelFileError(
        `${this.where}: attribute '${name}' of '${path || '/'}' is not a list of strings`,
      );
    });
  }

  shapeOf(path: string): number[] | null {
    const d = this.file.get(path);
    return kind(d) === 'Dataset' ? ((d as H5Dataset).shape ?? []) : null;
  }

  /** A numeric dataset as a typed array with its shape. */
  array(path: string): { data: H5Array; shape: number[] } {
    const d = this.file.get(path);
    if (kind(d) !== 'Dataset') throw new ModelFileError(`${this.where}: missing dataset '${path}'`);
    const ds = d as H5Dataset;
    this.checkSize(ds.metadata, ds.filters.length > 0, `dataset '${path}'`);
    const value = ds.value;
    const ok =
      value instanceof Float32Array || value instanceof Float64Array || value instanceof BigInt64Array;
    const int = value instanceof Int32Array || value instanceof Int16Array || value instanceof Uint8Array;
    if (ok || int) return { data: int ? Int32Array.from(value) : (value as H5Array), shape: ds.shape ?? [] };
    if (typeof value === 'number' || typeof value === 'bigint') {
      // h5wasm returns scalars as plain numbers; keep the stored precision.
      const data =
        typeof value === 'bigint'
          ? BigInt64Array.of(value)
          : ds.dtype === '<f'
            ? Float32Array.of(value)
            : ds.dtype === '<d'
              ? Float64Array.of(value)
              : Int32Array.of(value);
      return { data, shape: ds.shape ?? [] };
    }
    throw new ModelFileError(
      `${this.where}: dataset '${path}' has an unsupported type (${JSON.stringify(ds.dtype)})`,
    );
  }

  /** A dataset as float32 values (weights), checking its shape when `expected` is given. */
  floats(path: string, expected?: { shape: readonly number[]; what: string }): Float32Array {
    const { data, shape } = this.array(path);
    if (expected && shape.join() !== expected.shape.join()) {
      throw new ModelFileError(
        `${this.where}: ${expected.what}: the file has shape ${fmtShape(shape)} at '${path}', the model expects ${fmtShape(expected.shape)}`,
      );
    }
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>, Number);
  }
}

/**
 * Writes an HDF5 file at `path` (the caller makes it atomic), then checks what was written.
 *
 * @example
 * // await writeH5(tmp, (w) => w.text('', 'backend', 'tensorflow'));
 */
export async function writeH5(path: string, build: (w: H5Writer) => void): Promise<void> {
  const h5 = await h5wasm();
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const file = new h5.File(resolve(path), 'w');
  if (!existsSync(path)) throw new ModelFileError(`${path}: HDF5 could not create the file`);
  const writer = new H5Writer(file);
  try {
    build(writer);
  } finally {
    file.close();
  }
  await readH5(path, path, (r) => writer.verify(r));
}

/**
 * Opens an HDF5 file for reading, after checking that it is one and is complete.
 *
 * @example
 * // const names = await readH5(path, path, (r) => r.keys('layers'));
 */
export async function readH5<T>(path: string, where: string, read: (r: H5Reader) => T): Promise<T> {
  const size = checkHdf5File(path, where);
  const h5 = await h5wasm();
  let file: H5File;
  try {
    file = new h5.File(resolve(path), 'r');
  } catch (e) {
    throw asModelFileError(e, where);
  }
  try {
    return read(new H5Reader(file, where, size));
  } catch (e) {
    // Whatever a damaged file makes HDF5 or a parser throw, the caller gets one ModelFileError.
    throw asModelFileError(e, where);
  } finally {
    try {
      file.close();
    } catch {}
  }
}

/**
 * Reads HDF5 bytes (e.g. `model.weights.h5` inside a .keras zip) through a private temporary file.
 *
 * @example
 * // await readH5Bytes(members['model.weights.h5'], `${path} (model.weights.h5)`, (r) => r.keys(''));
 */
export async function readH5Bytes<T>(bytes: Uint8Array, where: string, read: (r: H5Reader) => T): Promise<T> {
  const tmp = join(
    tmpdir(),
    `tensile-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.h5`,
  );
  try {
    writeFileSync(tmp, bytes);
    return await readH5(tmp, where, read);
  } catch (e) {
    throw asModelFileError(e, where);
  } finally {
    rmSync(tmp, { force: true });
  }
}
