import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsReason, StudyDirError } from './lock.js';
import type { RunResult } from './types.js';

/** Writes a file via a temporary sibling and a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    // Disk full or no permission: the previous version of the file stays as it was.
    rmSync(tmp, { force: true });
    throw new StudyDirError(`cannot write ${path}: ${fsReason(e)}`);
  }
}

export function runDir(out: string, id: string): string {
  return join(out, 'runs', id);
}

/** The result of a finished run, or null when the run has not finished. */
export function readResult(out: string, id: string): RunResult | null {
  const path = join(runDir(out, id), 'result.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunResult) : null;
}

/** Every finished run in an output directory. */
export function readAllResults(out: string): RunResult[] {
  const root = join(out, 'runs');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((id) => readResult(out, id))
    .filter((r): r is RunResult => r !== null);
}

/** History as CSV: one row per epoch, Keras' CSVLogger layout. */
export function historyCsv(history: Record<string, number[]>): string {
  const keys = Object.keys(history).sort();
  const epochs = Math.max(0, ...keys.map((k) => history[k]!.length));
  const rows = [['epoch', ...keys].join(',')];
  for (let e = 0; e < epochs; e++) rows.push([e, ...keys.map((k) => history[k]![e] ?? '')].join(','));
  return `${rows.join('\n')}\n`;
}

/** Saves a finished run: result.json (with history), history.json and history.csv. */
export function writeResult(out: string, result: RunResult): void {
  const dir = runDir(out, result.id);
  writeFileAtomic(join(dir, 'history.json'), JSON.stringify(result.history, null, 1));
  writeFileAtomic(join(dir, 'history.csv'), historyCsv(result.history));
  writeFileAtomic(join(dir, 'result.json'), JSON.stringify(result, null, 1));
}
