import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where a run stands, judged from its files ('pruned': stopped early by `--prune`, also finished). */
export type RunStatus = 'pending' | 'running' | 'done' | 'pruned';

/** One run as the dashboard shows it. */
export interface RunState {
  id: string;
  label: string;
  status: RunStatus;
  /** Epochs finished so far. */
  epoch: number;
  /** Epoch budget (the study's --epochs override, else the run's own). */
  epochs: number;
  /** Per-epoch logs with Keras' keys (loss, val_loss, accuracy...). */
  history: Record<string, number[]>;
  /** Lowest val_loss so far and its 1-based epoch; null without validation. */
  bestValLoss: number | null;
  bestEpoch: number | null;
  /** Seconds left for this run at its mean epoch time; 0 when done, null before a first epoch. */
  etaSeconds: number | null;
}

/** One study directory (a `tensile study --out` directory, or one the Dashboard callback writes). */
export interface StudyState {
  /** Path relative to the served root ('' when the root is the study itself). */
  path: string;
  name: string;
  runs: RunState[];
  /** URL path of report.html once the study has written it. */
  report: string | null;
}

interface StudyFile {
  /** The study reference (a built-in name or a module path). */
  study: string;
  /** Its display name (written by newer runners). */
  name?: string;
  options?: { epochs?: number | null };
  runs: { id: string; label?: string; params?: Record<string, unknown> }[];
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    // Absent, or caught between writes by another process: the next poll reads it again.
    return null;
  }
}

function runState(dir: string, spec: StudyFile['runs'][number], epochOverride: number | null): RunState {
  const runPath = join(dir, 'runs', spec.id);
  const result = readJson<{ history: Record<string, number[]>; pruned?: unknown }>(
    join(runPath, 'result.json'),
  );
  const partial = readJson<{ history: Record<string, number[]>; seconds: number[] }>(
    join(runPath, 'partial.json'),
  );
  const history = result?.history ?? partial?.history ?? {};
  const epoch = Math.max(0, ...Object.values(history).map((v) => v.length));
  const epochs = epochOverride ?? Number(spec.params?.epochs ?? epoch);
  const status: RunStatus = result
    ? result.pruned
      ? 'pruned'
      : 'done'
    : existsSync(runPath)
      ? 'running'
      : 'pending';
  let bestValLoss: number | null = null;
  let bestEpoch: number | null = null;
  (history.val_loss ?? []).forEach((v, i) => {
    if (bestValLoss === null || v < bestValLoss) [bestValLoss, bestEpoch] = [v, i + 1];
  });
  const seconds = partial?.seconds ?? [];
  const mean = seconds.length > 0 ? seconds.reduce((a, b) => a + b, 0) / seconds.length : null;
  const etaSeconds = result ? 0 : mean === null ? null : Math.max(0, epochs - epoch) * mean;
  return {
    id: spec.id,
    label: spec.label ?? spec.id,
    status,
    epoch,
    epochs,
    history,
    bestValLoss,
    bestEpoch,
    etaSeconds,
  };
}

/** The state of the study in `dir` (which holds study.json), or null if it is not a study. */
export function readStudy(root: string, dir: string): StudyState | null {
  const file = readJson<StudyFile>(join(dir, 'study.json'));
  if (!file || !Array.isArray(file.runs)) return null;
  const path = relative(root, dir).split('\\').join('/');
  const report = existsSync(join(dir, 'report.html')) ? `/files/${path ? `${path}/` : ''}report.html` : null;
  const override = file.options?.epochs ?? null;
  return {
    path,
    name: file.name ?? file.study,
    runs: file.runs.map((r) => runState(dir, r, override)),
    report,
  };
}

/** Every study under `root`: the root itself if it is one, else its direct subdirectories that are. */
export function readStudies(root: string): StudyState[] {
  const own = readStudy(root, root);
  if (own) return [own];
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .filter((d) => statSync(d).isDirectory())
    .map((d) => readStudy(root, d))
    .filter((s): s is StudyState => s !== null);
}
