import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setBackend } from '../backend/select.js';
import { executeRun } from './execute.js';
import { loadStudy, type StudyRef } from './registry.js';
import { runDir, writeResult } from './run-store.js';
import type { RunProgress, RunResult, RunSpec, StudyOptions } from './types.js';

/**
 * The study worker: a process that trains the runs its parent sends over IPC, one after another,
 * so process start-up and data loading are paid once per worker, not once per run. Both sides of
 * the protocol live here: `serveStudyWorker` (the child, started by worker-entry.ts) and
 * `StudyWorker` (the parent's handle).
 */
type ToWorker =
  | { type: 'run'; study: StudyRef; run: RunSpec; opts: StudyOptions; prune: boolean }
  | { type: 'prune-answer'; id: string; epoch: number; reason: string | null };

type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'prune-check'; id: string; epoch: number; history: Record<string, number[]> }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string };

/** Decides, in the parent, whether a run stops after an epoch (see pruning.ts). */
export type PruneDecision = (id: string, epoch: number, history: Record<string, number[]>) => string | null;

/** Child side: trains each run it is sent and reports back, until the parent disconnects. */
export function serveStudyWorker(): void {
  // Resolves once the message is handed to the channel, so a following disconnect cannot drop it.
  const send = (m: FromWorker) =>
    new Promise<void>((resolve) => {
      if (!process.send) resolve();
      else process.send(m, undefined, {}, () => resolve());
    });
  const answers = new Map<string, (reason: string | null) => void>();
  // A 'message' listener keeps the IPC channel (and so the process) alive between runs; the
  // parent disconnects when its queue is empty, which lets the process exit.
  process.on('message', async (msg: ToWorker) => {
    if (msg.type === 'prune-answer') {
      answers.get(`${msg.id}@${msg.epoch}`)?.(msg.reason);
      return;
    }
    const { run, opts } = msg;
    try {
      // --backend was applied in the parent; each worker process selects it for itself.
      if (opts.backend) setBackend(opts.backend);
      const study = await loadStudy(msg.study);
      let last = 0;
      const result = await executeRun(study, run, runDir(opts.out, run.id), opts, {
        progress: (progress) => {
          const now = Date.now();
          if (now - last > 250 || progress.batch === 0) {
            last = now;
            void send({ type: 'progress', progress });
          }
        },
        shouldPrune: msg.prune
          ? (epoch, history) =>
              new Promise((resolve) => {
                answers.set(`${run.id}@${epoch}`, resolve);
                void send({ type: 'prune-check', id: run.id, epoch, history });
              })
          : undefined,
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

/** The worker's entry file: worker-entry.js when built, worker-entry.ts under tsx. */
function workerEntry(): string {
  const js = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./worker-entry.ts', import.meta.url));
}

/** Parent side: one worker process, trained runs one at a time. */
export class StudyWorker {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private pending: { id: string; resolve: (r: RunResult) => void; reject: (e: Error) => void } | null = null;
  private exited = false;

  constructor(
    private readonly study: StudyRef,
    private readonly onProgress: (p: RunProgress) => void,
    private readonly prune: PruneDecision | null,
  ) {
    // One worker per core already: each worker's native GEMMs use one thread (no BLAS threads, no row
    // split with the addon's helper thread, whatever the default), so none oversubscribes.
    const env = { ...process.env, TENSILE_NATIVE_THREADS: process.env.TENSILE_NATIVE_THREADS ?? '1' };
    this.child = fork(workerEntry(), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let markReady = () => {};
    this.ready = new Promise((resolve) => {
      markReady = resolve;
    });
    this.child.on('message', (msg: FromWorker) => this.receive(msg, markReady));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      markReady();
      this.pending?.reject(
        new Error(`run '${this.pending.id}': worker exited (${signal ?? `code ${code}`}) before finishing`),
      );
      this.pending = null;
    });
  }

  private receive(msg: FromWorker, markReady: () => void): void {
    // The worker loads the library before it listens; sending earlier would lose the run.
    if (msg.type === 'ready') markReady();
    else if (msg.type === 'progress') this.onProgress(msg.progress);
    else if (msg.type === 'prune-check') {
      const reason = this.prune?.(msg.id, msg.epoch, msg.history) ?? null;
      this.send({ type: 'prune-answer', id: msg.id, epoch: msg.epoch, reason });
    } else {
      const job = this.pending;
      this.pending = null;
      if (msg.type === 'done') job?.resolve(msg.result);
      else job?.reject(new Error(`run '${job?.id}' failed in its worker: ${msg.message}`));
    }
  }

  private send(msg: ToWorker): void {
    if (!this.exited && this.child.connected) this.child.send(msg);
  }

  async run(run: RunSpec, opts: StudyOptions): Promise<RunResult> {
    await this.ready;
    if (this.exited) throw new Error(`run '${run.id}': its worker process is gone`);
    return new Promise((resolve, reject) => {
      this.pending = { id: run.id, resolve, reject };
      this.send({ type: 'run', study: this.study, run, opts, prune: this.prune !== null });
    });
  }

  close(): void {
    if (!this.exited && this.child.connected) this.child.disconnect();
  }
}
