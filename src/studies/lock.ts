import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TensileError } from '../errors.js';

/**
 * A study output directory that cannot be used: another study is running in it, or it cannot be
 * created or written. The message names the directory and what to do.
 *
 * @example
 * // throw new StudyDirError('runs/x is in use by tensile (pid 4242 on host a, since …)');
 */
export class StudyDirError extends TensileError {
  override name = 'StudyDirError';
}

/** What a lock file holds: enough to tell whether its owner still runs. */
interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

const LOCK = '.tensile-lock';
/** A lock file too new to judge: its owner may be between creating and filling it. */
const YOUNG_MS = 5_000;

/**
 * A short reason for a file-system error a user can act on ('permission denied', 'no space left…').
 *
 * @example
 * // fsReason(Object.assign(new Error('…'), { code: 'ENOSPC' })) → 'no space left on the device'
 */
export function fsReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file of that name is in the way';
  return (e as Error).message;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // exists, owned by someone else
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** True when the lock's owner is gone: a dead pid on this host, or an unreadable lock left by a crash. */
function stale(path: string, info: LockInfo | null): boolean {
  if (info === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > YOUNG_MS;
    } catch {
      return true; // removed meanwhile
    }
  }
  return info.host === hostname() && !alive(info.pid);
}

/**
 * Removes what interrupted atomic writes left behind: `.tensile-tmp-*` (model saves, downloads) and
 * `*.tmp-<pid>` (histories, reports). Only called while holding the lock, so no writer is active.
 */
function cleanTemporaries(dir: string, depth = 3): string[] {
  const removed: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return removed;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth > 0) removed.push(...cleanTemporaries(path, depth - 1));
    } else if (e.name.startsWith('.tensile-tmp-') || /\.tmp-\d+$/.test(e.name)) {
      rmSync(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}

/**
 * Takes the study directory `dir` for this process (creating it), or throws a StudyDirError when a
 * live study holds it or it cannot be written. A stale lock (its process is dead) is taken over.
 * Leftover temporary files of interrupted writes are removed. Returns the release function.
 *
 * @example
 * // const release = lockStudyDir('runs/imdb-rnn-1'); try { … } finally { release(); }
 */
export function lockStudyDir(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StudyDirError(
      `cannot create the output directory ${dir}: ${fsReason(e)}; choose another --out`,
    );
  }
  const path = join(dir, LOCK);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') {
        throw new StudyDirError(
          `cannot write in the output directory ${dir}: ${fsReason(e)}; choose another --out`,
        );
      }
      const owner = readLock(path);
      if (attempt < 3 && stale(path, owner)) {
        rmSync(path, { force: true });
        continue;
      }
      const who = owner
        ? `pid ${owner.pid} on ${owner.host}, since ${owner.started}`
        : 'a process that is starting';
      throw new StudyDirError(
        `${dir} is in use by another tensile study (${who}); wait for it to finish or choose another --out` +
          (owner && owner.host !== hostname() ? ` (if that study is gone, delete ${path})` : ''),
      );
    }
    try {
      writeSync(fd, JSON.stringify(mine));
    } finally {
      closeSync(fd);
    }
    break;
  }
  cleanTemporaries(dir);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never remove one a later study took over.
    if (readLock(path)?.pid === process.pid) {
      try {
        unlinkSync(path);
      } catch {}
    }
  };
  process.on('exit', release);
  return release;
}
