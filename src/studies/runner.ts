import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '../backend/select.js';
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

/**
 * A worker process that trains runs one after another, so process start-up and data loading are
 * paid once per worker, not once per run. Its progress goes to `onProgress`.
 */
class StudyWorker {
  private readonly child;
  private readonly ready: Promise<void>;
  private pending: { id: string; resolve: (r: RunResult) => void; reject: (e: Error) => void } | null = null;
  private exited = false;

  constructor(study: Study, onProgress: (p: RunProgress) => void) {
    this.child = fork(cliEntry(), ['__study-worker', study.name], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady = () => {};
    this.ready = new Promise((resolve) => {
      markReady = resolve;
    });
    this.child.on('message', (msg: WorkerMessage) => {
      // The worker loads the library before it listens; sending earlier would lose the run.
      if (msg.type === 'ready') markReady();
      else if (msg.type === 'progress') onProgress(msg.progress);
      else {
        const job = this.pending;
        this.pending = null;
        if (msg.type === 'done') job?.resolve(msg.result);
        else job?.reject(new Error(`run '${job?.id}' failed in its worker: ${msg.message}`));
      }
    });
    this.child.on('exit', (code) => {
      this.exited = true;
      markReady();
      this.pending?.reject(
        new Error(`run '${this.pending.id}': worker exited with code ${code} before finishing`),
      );
      this.pending = null;
    });
  }

  async run(run: RunSpec, opts: StudyOptions): Promise<RunResult> {
    await this.ready;
    if (this.exited) throw new Error(`run '${run.id}': its worker process is gone`);
    return new Promise((resolve, reject) => {
      this.pending = { id: run.id, resolve, reject };
      this.child.send({ run, opts });
    });
  }

  close(): void {
    if (!this.exited && this.child.connected) this.child.disconnect();
  }
}

/** Worker-process side: trains each run it is sent and reports back over IPC, until disconnected. */
export function serveWorker(study: Study): void {
  // Resolves once the message is handed to the channel, so a following disconnect cannot drop it.
  const send = (m: WorkerMessage) =>
    new Promise<void>((resolve) => {
      if (!process.send) resolve();
      else process.send(m, undefined, {}, () => resolve());
    });
  // A 'message' listener keeps the IPC channel (and so the process) alive between runs; the
  // parent disconnects when its queue is empty, which lets the process exit.
  process.on('message', async ({ run, opts }: { run: RunSpec; opts: StudyOptions }) => {
    try {
      // --backend was applied in the parent; each worker process selects it for itself.
      if (opts.backend) setBackend(opts.backend);
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
  });
  process.on('disconnect', () => process.exit(0));
  void send({ type: 'ready' });
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
    const onProgress = (p: RunProgress) => progress.update(p);
    const child = opts.jobs > 1 ? new StudyWorker(study, onProgress) : null;
    try {
      for (let run = queue.shift(); run; run = queue.shift()) {
        progress.started(epochsOf(run));
        try {
          const result = child
            ? await child.run(run, opts)
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
    } finally {
      child?.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, pending.length)) }, worker));
  if (failures.length > 0)
    throw new Error(`${failures.length} run(s) failed; re-run the same command to resume`);
  const results = specs.map((r) => readResult(opts.out, r.id)!);
  await study.report(opts.out, results);
  return results;
}
