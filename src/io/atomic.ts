import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelFileError } from './errors.js';

let counter = 0;

/**
 * A fresh temporary path next to `path` (same directory, so the final rename is atomic).
 *
 * @example
 * // tempPathFor('runs/best.keras') → '/abs/runs/.tensile-tmp-best.keras-<pid>-<time>-<n>'
 */
export function tempPathFor(path: string): string {
  const abs = resolve(path);
  const tag = `${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  return join(dirname(abs), `.tensile-tmp-${basename(abs)}-${tag}`);
}

function fsyncPath(path: string, flags: 'r' | 'r+'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `path` through a temporary file in the same directory: `write(tmp)` fills it, it is
 * flushed to disk, then renamed over `path`. A crash at any point leaves either the old file or the
 * new one, never a half-written file (the rename is atomic on POSIX file systems).
 *
 * @example
 * // await writeAtomic('runs/log.json', (tmp) => writeFileSync(tmp, text));
 */
export async function writeAtomic(path: string, write: (tmp: string) => void | Promise<void>): Promise<void> {
  const target = resolve(path);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (e) {
    throw new ModelFileError(`cannot create the directory of '${path}': ${(e as Error).message}`);
  }
  const tmp = tempPathFor(target);
  try {
    await write(tmp);
    fsyncPath(tmp, 'r+');
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`cannot write '${path}': ${(e as Error).message}`);
  }
  try {
    // Persist the rename itself; not every platform lets a directory be opened, so best effort.
    fsyncPath(dirname(target), 'r');
  } catch {}
}

/**
 * Writes bytes to `path` atomically (see writeAtomic).
 *
 * @example
 * // await writeBytesAtomic('runs/model.keras', zipBytes);
 */
export function writeBytesAtomic(path: string, bytes: Uint8Array): Promise<void> {
  return writeAtomic(path, (tmp) => writeFileSync(tmp, bytes));
}
