import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValueError } from '../errors.js';
import { StudyProgress } from './progress.js';
import { readResult, runDir, writeFileAtomic, writeResult } from './run-store.js';
import type { RunProgress, RunResult, RunSpec, Study, StudyOptions } from './types.js';

/** Keeps the runs named by `--only` (run ids or group names); an unknown name is an error. */
export function selectRuns(
  all: RunSpec[],
  groups: Record<string, string[]>,
  only: readonly string[],
): RunSpec[] {
  if (only.length === 0) return all;
  const wanted = new Set<string>();
  for (const name of only) {
    const ids = groups[name] ?? (all.some((r) => r.id === name) ? [name] : null);
    if (!ids) {
      const known = [...Object.keys(groups), ...all.map((r) => r.id)];
      throw new ValueError(`--only: unknown run or experiment '${name}' (known: ${known.join(', ')})`);
    }
    for (const id of ids) wanted.add(id);
  }
  return all.filter((r) => wanted.has(r.id));
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string };

/** The entry file of the CLI, for worker processes (main.ts under tsx, main.js when built). */
function cliEntry(): string {
  const js = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('../cli/main.ts', import.meta.url));
}

/** Trains one run in a child process, relaying its progress; resolves with its result. */
function runInWorker(
  study: Study,
  run: RunSpec,
  opts: StudyOptions,
  onProgress: (p: RunProgress) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(cliEntry(), ['__study-worker', study.name], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    child.on('message', (msg: WorkerMessage) => {
      // The worker loads the library before it listens; sending earlier would lose the run.
      if (msg.type === 'ready') child.send({ run, opts });
      else if (msg.type === 'progress') onProgress(msg.progress);
      else if (msg.type === 'done') {
        settled = true;
        resolve(msg.result);
      } else {
        settled = true;
        reject(new Error(`run '${run.id}' failed in its worker: ${msg.message}`));
      }
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`run '${run.id}': worker exited with code ${code} before finishing`));
    });
  });
}

/** Worker-process side: trains the run it is sent and reports back over IPC. */
export function serveWorker(study: Study): void {
  // `on`, not `once`: with no 'message' listener left, Node unrefs the IPC channel and the worker
  // could exit in the middle of training. The worker disconnects itself when done.
  let busy = false;
  process.on('message', async ({ run, opts }: { run: RunSpec; opts: StudyOptions }) => {
    if (busy) return;
    busy = true;
    // Resolves once the message is handed to the channel, so disconnecting cannot drop it.
    const send = (m: WorkerMessage) =>
      new Promise<void>((resolve) => {
        if (!process.send) resolve();
        else process.send(m, undefined, {}, () => resolve());
      });
    try {
      let last = 0;
      const result = await study.execute(run, runDir(opts.out, run.id), opts, (progress) => {
        const now = Date.now();
        if (now - last > 250 || progress.batch === 0) {
          last = now;
          void send({ type: 'progress', progress });
        }
      });
      writeResult(opts.out, result);
      await send({ type: 'done', result });
    } catch (e) {
      await send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    process.disconnect?.();
  });
  process.send?.({ type: 'ready' } satisfies WorkerMessage);
}

/** One line describing a finished run, for the progress log. */
export type ResultSummary = (r: RunResult) => string;

/**
 * Runs every selected run that has not finished yet (resuming interrupted ones from their
 * checkpoints), `jobs` at a time in worker processes, then writes the report.
 */
export async function runStudy(
  study: Study,
  opts: StudyOptions,
  describe: ResultSummary,
): Promise<RunResult[]> {
  const specs = selectRuns(study.runs(opts), study.groups(opts), opts.only);
  mkdirSync(opts.out, { recursive: true });
  writeFileAtomic(
    join(opts.out, 'study.json'),
    JSON.stringify({ study: study.name, options: opts, runs: specs }, null, 1),
  );
  const epochsOf = (r: RunSpec) => Number(r.params.epochs ?? 1);
  const pending = specs.filter((r) => readResult(opts.out, r.id) === null);
  const progress = new StudyProgress(
    specs.length,
    pending.reduce((n, r) => n + epochsOf(r), 0),
    opts.jobs,
  );
  for (const r of specs) if (!pending.includes(r)) progress.skipped(r.id);

  const queue = [...pending];
  const failures: Error[] = [];
  const worker = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      progress.started(epochsOf(run));
      try {
        const onProgress = (p: RunProgress) => progress.update(p);
        const result =
          opts.jobs > 1
            ? await runInWorker(study, run, opts, onProgress)
            : await study.execute(run, runDir(opts.out, run.id), opts, onProgress).then((r) => {
                writeResult(opts.out, r);
                return r;
              });
        progress.done(result, describe(result));
      } catch (e) {
        failures.push(e as Error);
        process.stderr.write(`\n✗ ${run.id}: ${(e as Error).message}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, pending.length)) }, worker));
  if (failures.length > 0)
    throw new Error(`${failures.length} run(s) failed; re-run the same command to resume`);
  const results = specs.map((r) => readResult(opts.out, r.id)!);
  await study.report(opts.out, results);
  return results;
}
